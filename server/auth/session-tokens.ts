/**
 * Session tokens: the server issues HS256 JWTs (jose) for `POST /api/session`
 * (guests), and verifies either its own tokens or, when configured, tokens from
 * an identity provider's JWKS, with issuer and audience checks. With a provider,
 * guests are off unless allowed, and its users' ids carry PROVIDER_ID_PREFIX,
 * so a provider `sub` can never name a guest (whose ids the server makes).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from 'jose';

/** Lifetime of tokens this server issues. */
export const DEFAULT_SESSION_TTL_SECONDS = 24 * 60 * 60;
/** Issuer and audience claims of tokens this server issues. */
const LOCAL_ISSUER = 'agent-event-harness';
const LOCAL_AUDIENCE = 'agent-event-harness';
/** Prefix of the user ids of identity-provider users: `idp:<sub>`. */
const PROVIDER_ID_PREFIX = 'idp:';

export interface SessionTokenOptions {
  /**
   * HS256 secret. Without one, a random secret is made here, so tokens stop
   * working when the process ends; the server passes the one it keeps in its
   * data folder (session-secret.ts) instead.
   * @default random per process
   */
  secret?: string;
  /** Accept tokens signed by keys at this JWKS URL too (an external identity provider). */
  jwksUrl?: string;
  /** Required `iss` of JWKS-verified tokens. */
  issuer?: string;
  /** Required `aud` of JWKS-verified tokens. */
  audience?: string;
  /** Lifetime of issued tokens. @default DEFAULT_SESSION_TTL_SECONDS (24 h) */
  ttlSeconds?: number;
  /**
   * Issue and accept guest sessions (this server's own HS256 tokens).
   * @default true without `jwksUrl`; false with one (ALLOW_GUESTS=1 turns them back on)
   */
  allowGuests?: boolean;
}

export interface SessionUser {
  /** Stable id: threads belong to it. */
  userId: string;
  name: string;
}

class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

/** `issue` when guests are off. */
export class GuestsDisabledError extends Error {
  override name = 'GuestsDisabledError';
  constructor() {
    super('guest sessions are off on this server: sign in with its identity provider');
  }
}

export class SessionTokens {
  readonly #secret: Uint8Array;
  readonly #options: SessionTokenOptions;
  readonly #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(options: SessionTokenOptions = {}) {
    this.#options = options;
    this.#secret = options.secret ? new TextEncoder().encode(options.secret) : randomBytes(32);
    if (options.jwksUrl && !(options.issuer && options.audience)) {
      // Without both checks, any token the provider issues for any app would open a session here.
      throw new Error('JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE');
    }
    this.#jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  }

  /** Whether `issue` makes guest sessions (and their tokens are accepted). */
  get guestsAllowed(): boolean {
    return this.#options.allowGuests ?? !this.#options.jwksUrl;
  }

  /** Issues a token for a new guest; throws GuestsDisabledError when guests are off. */
  async issue(name: string): Promise<{ token: string; user: SessionUser }> {
    if (!this.guestsAllowed) throw new GuestsDisabledError();
    const user = { userId: randomUUID(), name };
    const token = await new SignJWT({ name })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.userId)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.#options.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS}s`)
      .sign(this.#secret);
    return { token, user };
  }

  /** Verifies a token; throws InvalidTokenError with the reason. */
  async verify(token: string): Promise<SessionUser> {
    let payload: JWTPayload;
    let fromProvider = false;
    try {
      const { alg } = decodeProtectedHeader(token);
      if (alg === 'HS256') {
        if (!this.guestsAllowed) throw new Error('guest sessions are off on this server');
        // A token without exp would be good forever: every token must carry one.
        ({ payload } = await jwtVerify(token, this.#secret, {
          issuer: LOCAL_ISSUER,
          audience: LOCAL_AUDIENCE,
          requiredClaims: ['exp'],
        }));
      } else if (this.#jwks) {
        const { issuer, audience } = this.#options;
        ({ payload } = await jwtVerify(token, this.#jwks, {
          ...(issuer ? { issuer } : {}),
          ...(audience ? { audience } : {}),
          requiredClaims: ['exp'],
        }));
        fromProvider = true;
      } else {
        throw new Error(`tokens signed with ${String(alg)} are not accepted`);
      }
    } catch (error) {
      throw new InvalidTokenError(error instanceof Error ? error.message : 'invalid token');
    }
    if (!payload.sub) throw new InvalidTokenError('token has no subject');
    if (!fromProvider && payload.sub.startsWith(PROVIDER_ID_PREFIX)) {
      throw new InvalidTokenError('a guest token cannot name an identity-provider user');
    }
    const name = typeof payload.name === 'string' ? payload.name : payload.sub;
    return { userId: fromProvider ? `${PROVIDER_ID_PREFIX}${payload.sub}` : payload.sub, name };
  }
}
