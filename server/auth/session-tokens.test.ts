import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionTokens } from './session-tokens';

describe('SessionTokens', () => {
  describe('#issue / #verify', () => {
    it('verifies its own tokens and refuses tampered or foreign ones', async () => {
      const tokens = new SessionTokens({ secret: 'a-test-secret-of-some-length' });
      const { token, user } = await tokens.issue('Ada');
      await expect(tokens.verify(token)).resolves.toEqual(user);
      await expect(tokens.verify(`${token}x`)).rejects.toThrow(/signature/);
      const other = new SessionTokens({ secret: 'another-secret-of-some-length' });
      await expect(other.verify(token)).rejects.toThrow(/signature/);
      await expect(tokens.verify('garbage')).rejects.toThrow();
    });

    it('refuses a token that never expires, even one signed with its own secret', async () => {
      const secret = 'a-test-secret-of-some-length';
      const tokens = new SessionTokens({ secret });
      const forever = await new SignJWT({ name: 'Ada' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u-1')
        .setIssuer('agent-event-harness')
        .setAudience('agent-event-harness')
        .sign(new TextEncoder().encode(secret));
      await expect(tokens.verify(forever)).rejects.toThrow(/exp/);
    });

    it('refuses an expired token', async () => {
      const tokens = new SessionTokens({ secret: 'a-test-secret-of-some-length', ttlSeconds: -10 });
      const { token } = await tokens.issue('Ada');
      await expect(tokens.verify(token)).rejects.toThrow(/exp/);
    });
  });

  describe('JWKS', () => {
    let jwksServer: Server;
    let jwksUrl: string;
    let privateKey: CryptoKey;

    beforeAll(async () => {
      const pair = await generateKeyPair('RS256');
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      jwksServer = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    });
    afterAll(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())));

    const idpToken = (claims: { iss: string; aud: string }, sub = 'user-42') =>
      new SignJWT({ name: 'Grace' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject(sub)
        .setIssuer(claims.iss)
        .setAudience(claims.aud)
        .setExpirationTime('5m')
        .sign(privateKey);

    it('accepts an identity provider token with the right issuer and audience', async () => {
      const tokens = new SessionTokens({ jwksUrl, issuer: 'https://idp.test', audience: 'chat' });
      await expect(tokens.verify(await idpToken({ iss: 'https://idp.test', aud: 'chat' }))).resolves.toEqual({
        userId: 'idp:user-42',
        name: 'Grace',
      });
      await expect(tokens.verify(await idpToken({ iss: 'https://idp.test', aud: 'other' }))).rejects.toThrow(/aud/);
      await expect(tokens.verify(await idpToken({ iss: 'https://evil.test', aud: 'chat' }))).rejects.toThrow(/iss/);
    });

    it('turns guests off with a provider: none issued, none accepted, unless allowed', async () => {
      const secret = 'a-test-secret-of-some-length';
      const { token: guestToken } = await new SessionTokens({ secret }).issue('Ada');
      const idp = { jwksUrl, issuer: 'https://idp.test', audience: 'chat', secret };
      const strict = new SessionTokens(idp);
      expect(strict.guestsAllowed).toBe(false);
      await expect(strict.issue('Mallory')).rejects.toThrow('guest sessions are off on this server');
      await expect(strict.verify(guestToken)).rejects.toThrow('guest sessions are off on this server');
      const open = new SessionTokens({ ...idp, allowGuests: true });
      await expect(open.verify(guestToken)).resolves.toMatchObject({ name: 'Ada' });
    });

    it('keeps provider and guest ids apart, whatever the provider puts in sub', async () => {
      const secret = 'a-test-secret-of-some-length';
      const tokens = new SessionTokens({
        jwksUrl,
        issuer: 'https://idp.test',
        audience: 'chat',
        secret,
        allowGuests: true,
      });
      const { user: guest } = await tokens.issue('Ada');
      const lookalike = await idpToken({ iss: 'https://idp.test', aud: 'chat' }, guest.userId);
      await expect(tokens.verify(lookalike)).resolves.toMatchObject({ userId: `idp:${guest.userId}` });
      // Nor can a token signed with the server's secret claim a provider user's id.
      const forged = await new SignJWT({ name: 'Grace' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('idp:user-42')
        .setIssuer('agent-event-harness')
        .setAudience('agent-event-harness')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
      await expect(tokens.verify(forged)).rejects.toThrow('a guest token cannot name an identity-provider user');
    });

    it('refuses a JWKS without issuer and audience checks', () => {
      expect(() => new SessionTokens({ jwksUrl })).toThrow('JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE');
    });

    it('refuses RS256 tokens when no JWKS is configured', async () => {
      const tokens = new SessionTokens({ secret: 'a-test-secret-of-some-length' });
      await expect(tokens.verify(await idpToken({ iss: 'x', aud: 'y' }))).rejects.toThrow(/not accepted/);
    });
  });
});
