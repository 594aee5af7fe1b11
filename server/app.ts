/**
 * Starts the server: the agent runtime (agent-runtime.ts), listening on one
 * http.Server, the sockets (`/ws`) on it, then the HTTP app (http/) as its
 * request handler; and shuts it all down in order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { CLOSE_CODES } from '../protocol';
import { type AgentRuntime, createAgentRuntime } from './agent-runtime';
import { sessionUser } from './auth/session-http';
import { DEFAULT_HOST, DEFAULT_LOG_LEVEL, DEFAULT_PORT, DEFAULT_SHUTDOWN_DRAIN_MS, type ServerOptions } from './config';
import { createHttpApp } from './http/http-app';
import { createLogger } from './logger';
import type { RunManager } from './runtime/run-manager';
import { checkTestSwitches } from './test-switches';
import { attachSocketServer, type SocketServer } from './transport/socket-server';

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  port: number;
  logger: Logger;
  runs: RunManager;
  /**
   * Shuts down: refuses new runs, cancels the active ones and waits for them,
   * commits the journal and lets every socket take its last events (at most
   * `shutdownDrainMs`), then closes every socket with 1001 and stops listening.
   */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const logger = createLogger({ level: options.logLevel ?? DEFAULT_LOG_LEVEL, format: options.logFormat });
  checkTestSwitches(host, { ...options, allowOnNetwork: options.allowTestSwitchesOnNetwork }, logger);
  const runtime = await createAgentRuntime(options, logger);
  const httpServer = createServer();
  try {
    return await serve(httpServer, runtime, options, logger);
  } catch (error) {
    // Nothing is served: the port and the runtime are freed, so a caller that retries starts clean.
    if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await closeRuntime(runtime, logger);
    throw error;
  }
}

async function serve(
  httpServer: Server,
  runtime: AgentRuntime,
  options: ServerOptions,
  logger: Logger,
): Promise<RunningServer> {
  const url = await listen(httpServer, options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST);
  const { port } = httpServer.address() as AddressInfo;
  const sockets = attachSockets(httpServer, runtime, options, logger, url, port);
  let closing: Promise<void> | undefined;
  const app = createHttpApp({
    runtime,
    options,
    logger,
    terminateSockets: options.scenarios ? (userId) => sockets.terminateUser(userId) : undefined,
    unavailable: () => {
      const failure = runtime.journal?.writeFailure;
      if (closing) return 'the server is shutting down';
      return (failure && `journal cannot write: ${failure.reason}`) || runtime.cluster?.unavailable();
    },
  });
  httpServer.on('request', app);
  logger.info({ url, scenarios: Boolean(options.scenarios) }, 'server listening');
  logger.info(`open ${url} in your browser`);

  return {
    url,
    port,
    logger,
    runs: runtime.runs,
    close() {
      closing ??= shutDown({ runtime, httpServer, sockets, logger, drainMs: options.shutdownDrainMs });
      return closing;
    },
  };
}

/** Listens; resolves with the base URL once bound (the OS picks the port for 0). */
async function listen(httpServer: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const bound = (httpServer.address() as AddressInfo).port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}

function attachSockets(
  httpServer: Server,
  { runs, notifier, cluster, tokens }: AgentRuntime,
  options: ServerOptions,
  logger: Logger,
  url: string,
  port: number,
): SocketServer {
  const allowedOrigins = new Set(options.allowedOrigins ?? [url, `http://localhost:${port}`]);
  return attachSocketServer(httpServer, {
    runs,
    notifier,
    logger,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    rateLimit: { ratePerSecond: options.messageRate, burst: options.messageBurst },
    userRateLimit: { ratePerSecond: options.userMessageRate, burst: options.userMessageBurst },
    backpressure: { highWaterBytes: options.highWaterBytes, maxQueuedBytes: options.maxQueuedBytes },
    replays: { maxActive: options.maxReplaysPerUser },
    maxSocketsPerUser: options.maxSocketsPerUser,
    maxSocketsPerAddress: options.maxSocketsPerAddress,
    cluster,
    isOriginAllowed: (origin) => allowedOrigins.has(origin),
    authenticate: (request) => sessionUser(tokens, request),
  });
}

interface Running {
  runtime: AgentRuntime;
  httpServer: Server;
  sockets: SocketServer;
  logger: Logger;
  /** @default DEFAULT_SHUTDOWN_DRAIN_MS */
  drainMs?: number;
}

/** Stops what the runtime holds open (runs, Redis, the journal), for a server that never served. */
async function closeRuntime({ runs, journal, cluster, stopRetention }: AgentRuntime, logger: Logger): Promise<void> {
  stopRetention();
  await runs.shutdown('the server failed to start');
  await cluster?.close();
  try {
    journal?.close();
  } catch (error) {
    logger.error({ err: error }, 'the journal closed with unsaved events');
  }
}

async function shutDown({ runtime, httpServer, sockets, logger, drainMs }: Running): Promise<void> {
  const { runs, journal, cluster } = runtime;
  runtime.stopRetention();
  await runs.shutdown('server shutting down');
  // The runs' last events wait in the journal's buffer: committing them hands them to the sockets.
  if (journal && !journal.flush()) {
    logger.error(
      { reason: journal.writeFailure?.reason },
      'shutdown: the journal cannot write; unsaved events stay unsent',
    );
  }
  const drainFor = drainMs ?? DEFAULT_SHUTDOWN_DRAIN_MS;
  if (!(await sockets.drain(drainFor))) {
    logger.warn(
      { drainMs: drainFor },
      'shutdown: some sockets had not taken their last events in time; closing them anyway',
    );
  }
  sockets.close(CLOSE_CODES.goingAway, 'server shutting down');
  await cluster?.close();
  try {
    journal?.close();
  } catch (error) {
    // Nobody saw those events; the next start closes their runs as interrupted.
    logger.error({ err: error }, 'shutdown: the journal closed with unsaved events');
  }
  httpServer.closeAllConnections();
  await new Promise<void>((resolve) => httpServer.close(() => resolve()));
}
