/**
 * The HTTP API's one error type and its one handler: a route throws (or passes
 * to `next`) an HttpError, and `errorHandler` answers `{error: {code, message}}`
 * with its status. The runtime's own refusals (RunRejectedError: not found,
 * forbidden, Redis out of reach) map to the code of the same name. A body the
 * parser refused is the client's fault, said in plain words; anything else is
 * logged and answered 500 without details.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { HTTP_ERROR_STATUS, type HttpErrorBody, type HttpErrorCode } from '../../protocol';
import { RunRejectedError } from '../runtime/run-rejected-error';

export class HttpError extends Error {
  readonly status: number;

  constructor(
    readonly code: HttpErrorCode,
    message: string,
    /** @default HTTP_ERROR_STATUS[code] */
    status?: number,
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status ?? HTTP_ERROR_STATUS[code];
  }

  get body(): HttpErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** The last route of a router: whatever matched nothing is a 404 in the API's own shape. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError('not_found', `no API route ${req.method} ${req.originalUrl}`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = error instanceof HttpError ? error : (refusal(error) ?? parserError(error));
    if (!known) logger.error({ err: error, path: req.path }, 'request failed');
    const answer = known ?? new HttpError('internal_error', 'internal server error');
    res.status(answer.status).json(answer.body);
  };
}

/** The runtime's refusal, under the HTTP code of the same name (a run's thread_busy has none). */
function refusal(error: unknown): HttpError | undefined {
  if (!(error instanceof RunRejectedError) || error.code === 'thread_busy') return undefined;
  return new HttpError(error.code, error.message);
}

/** A request body-parser refused (bad JSON, too large): a 4xx of its own. */
function parserError(error: unknown): HttpError | undefined {
  const { status, type, limit } = (error ?? {}) as { status?: unknown; type?: unknown; limit?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (type === 'entity.too.large') {
    return new HttpError('invalid_message', `the request body is over its limit of ${limit} bytes`, status);
  }
  if (type === 'entity.parse.failed')
    return new HttpError('invalid_message', 'the request body is not valid JSON', status);
  return new HttpError('invalid_message', error instanceof Error ? error.message : 'bad request', status);
}
