/**
 * The Express app: security headers, `/healthz`, `/api` and the built page,
 * with the one error handler last. The sockets (`/ws`) attach to the same
 * http.Server in app.ts.
 */
import { existsSync } from 'node:fs';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { DEFAULT_STATIC_DIR, type ServerOptions } from '../config';
import { securityHeaders } from '../security-headers';
import { type ApiOptions, apiRoutes } from './api-routes';
import { errorHandler } from './http-error';

export interface HttpAppOptions extends ApiOptions {
  options: ApiOptions['options'] & Pick<ServerOptions, 'trustProxy' | 'staticDir'>;
  logger: Logger;
  /** Why the server cannot serve now (shutting down, its store cannot write); undefined while it can. */
  unavailable(): string | undefined;
}

export function createHttpApp(app: HttpAppOptions): Express {
  const { runtime, options, logger } = app;
  const http = express();
  http.disable('x-powered-by');
  http.set('trust proxy', options.trustProxy ?? false);
  http.use(securityHeaders());
  http.get('/healthz', (_req, res) => {
    const reason = app.unavailable();
    const stats = { uptimeMs: Math.round(process.uptime() * 1000), activeRuns: runtime.runs.activeRunCount };
    if (reason) res.status(503).json({ status: 'unavailable', reason, ...stats });
    else res.json({ status: 'ok', ...stats });
  });
  http.use('/api', apiRoutes(app));
  const staticDir = options.staticDir ?? DEFAULT_STATIC_DIR;
  if (existsSync(staticDir)) {
    http.use(express.static(staticDir));
  } else {
    logger.warn({ staticDir }, 'chat page is not built; run `npm run build`');
    http.get('/', (_req, res) => {
      res.status(503).type('text').send('The chat page is not built. Run `npm run build`, then reload.');
    });
  }
  http.use(errorHandler(logger));
  return http;
}
