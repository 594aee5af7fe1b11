/**
 * A cap on new sessions per client address: guests are free to make, so
 * without it one address could mint users without end and step around every
 * per-user cap. Over the cap, `POST /api/session` answers 429 with
 * Retry-After and `{error: {code: 'rate_limited'}}`.
 */
import type { RequestHandler } from 'express';
import { HttpError } from '../http/http-error';
import { KeyedRateLimiter } from '../transport/rate-limiter';

/** New sessions one address may open per minute, on average and at once. @default */
export const DEFAULT_SESSIONS_PER_MINUTE = 30;
export interface SessionMintLimitOptions {
  /** @default DEFAULT_SESSIONS_PER_MINUTE (30) */
  perMinute?: number;
  /** Milliseconds clock. @default performance.now */
  now?: () => number;
}

export function sessionMintLimit(options: SessionMintLimitOptions = {}): RequestHandler {
  const perMinute = options.perMinute ?? DEFAULT_SESSIONS_PER_MINUTE;
  const buckets = new KeyedRateLimiter({ ratePerSecond: perMinute / 60, burst: perMinute, now: options.now });
  return (req, res, next) => {
    const address = req.ip ?? 'unknown';
    if (buckets.tryTake(address)) {
      next();
      return;
    }
    const seconds = Math.max(1, Math.ceil(buckets.retryAfterMs(address) / 1000));
    res.setHeader('Retry-After', String(seconds));
    next(
      new HttpError(
        'rate_limited',
        `too many new sessions from this address (at most ${perMinute} a minute); try again in ${seconds} s`,
      ),
    );
  };
}
