/**
 * Sessions over HTTP: `POST /api/session` issues a token and sets it as an
 * HttpOnly SameSite cookie (Secure when the request came over TLS; behind a
 * proxy, set `trustProxy` so Express believes its X-Forwarded-Proto),
 * `DELETE /api/session` logs out, `GET /api/session` says who you are (204 when
 * there is no session yet, 401 when its token is invalid), and
 * `sessionUser` reads the token from the cookie or a `token` query parameter.
 */
import type { IncomingMessage } from 'node:http';
import { parseCookie as parseCookies } from 'cookie';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { describeIssues } from '../../protocol';
import { HttpError } from '../http/http-error';
import { type SessionMintLimitOptions, sessionMintLimit } from './session-mint-limit';
import {
  DEFAULT_SESSION_TTL_SECONDS,
  GuestsDisabledError,
  type SessionTokens,
  type SessionUser,
} from './session-tokens';

const SESSION_COOKIE = 'agent_session';

const sessionRequest = z.strictObject({ name: z.string().trim().min(1).max(60) });

/** The token of a request: the session cookie, else `?token=` (for clients that cannot set cookies). */
function tokenOf(request: IncomingMessage): string | undefined {
  const fromCookie = parseCookies(request.headers.cookie ?? '')[SESSION_COOKIE];
  if (fromCookie) return fromCookie;
  return new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? undefined;
}

/** Verifies the request's token; rejects when there is none or it is invalid. */
export function sessionUser(tokens: SessionTokens, request: IncomingMessage): Promise<SessionUser> {
  const token = tokenOf(request);
  return token ? tokens.verify(token) : Promise.reject(new Error('no session token'));
}

/**
 * Route middleware: a request without a valid session gets 401; with one, the
 * route finds its user in `res.locals.user`.
 */
export function requireSession(tokens: SessionTokens): RequestHandler {
  return (req, res, next) => {
    sessionUser(tokens, req).then(
      (user) => {
        res.locals.user = user;
        next();
      },
      () => next(new HttpError('unauthorized', 'a valid session is required')),
    );
  };
}

/** The session user `requireSession` found for this request. */
export function userOf(res: Response): SessionUser {
  return res.locals.user as SessionUser;
}

export function sessionRouter(tokens: SessionTokens, limits: SessionMintLimitOptions = {}): Router {
  const router = express.Router();
  router.post('/session', sessionMintLimit(limits), express.json({ limit: '4kb' }), async (req: Request, res) => {
    const body = sessionRequest.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError('invalid_message', describeIssues(body.error));
    const { token, user } = await tokens.issue(body.data.name).catch((error: unknown) => {
      throw error instanceof GuestsDisabledError ? new HttpError('forbidden', error.message) : error;
    });
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: DEFAULT_SESSION_TTL_SECONDS * 1000,
    });
    res.status(201).json({ ...user, token });
  });
  // Logout: the cookie goes. The token itself stays valid until its exp (tokens are not stored).
  router.delete('/session', (req, res) => {
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
    res.status(204).end();
  });
  router.get('/session', async (req, res) => {
    // No token is a normal first visit, not an error: 204 keeps the page's first load free of a red 401.
    if (!tokenOf(req)) {
      res.status(204).end();
      return;
    }
    const user = await sessionUser(tokens, req).catch((error: Error) => {
      throw new HttpError('unauthorized', error.message);
    });
    res.json(user);
  });
  return router;
}
