/**
 * The HTTP API's errors: every refusal is `{error: {code, message}}` with the
 * status its code names (a body over its limit is 413, still `invalid_message`).
 */
import { z } from 'zod';

/**
 * - `invalid_message`: the request (query, JSON body) is not valid; `message` says why.
 * - `unauthorized`: no valid session.
 * - `forbidden`: the thread belongs to another user, or guests are off.
 * - `not_found`: no such thread, or no such API route.
 * - `rate_limited`: too many requests (new sessions from one address); see Retry-After.
 * - `unavailable`: the server cannot answer now (its event store cannot be reached).
 * - `internal_error`: the server failed; it keeps serving.
 */
const HTTP_ERROR_CODES = [
  'invalid_message',
  'unauthorized',
  'forbidden',
  'not_found',
  'rate_limited',
  'unavailable',
  'internal_error',
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

/** The status each code is answered with, unless the error names another (413 for a body over its limit). */
export const HTTP_ERROR_STATUS = {
  invalid_message: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  unavailable: 503,
  internal_error: 500,
} as const satisfies Record<HttpErrorCode, number>;

export const httpErrorBodySchema = z.object({
  error: z.object({ code: z.enum(HTTP_ERROR_CODES), message: z.string() }),
});
export type HttpErrorBody = z.infer<typeof httpErrorBodySchema>;
