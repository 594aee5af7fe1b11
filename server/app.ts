/**
 * Composes the server: Express for `/api`, `/healthz` and the built page, ws
 * for `/ws`, both on one http.Server, and the agent runtime behind them.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { type Logger, pino } from 'pino';
import { z } from 'zod';
import { CLOSE_CODES, describeIssues } from '../protocol';
import { createDefaultAgent } from './agents/default-agent';
import { createReplayAgent, REPLAY_COMMAND } from './agents/replay-agent';
import { createScenarioAgent, SCENARIO_COMMAND } from './agents/scenario-agent';
import { loadScenarios } from './agents/scenario-file';
import { sessionRouter, sessionUser } from './auth/session-http';
import { SessionTokens } from './auth/session-tokens';
import {
  DEFAULT_HOST,
  DEFAULT_JOURNAL_PATH,
  DEFAULT_LOG_LEVEL,
  DEFAULT_PORT,
  DEFAULT_REPLAY_DIR,
  DEFAULT_SCENARIOS_DIR,
  DEFAULT_STATIC_DIR,
  PROJECT_ROOT,
  type ServerOptions,
} from './config';
import { EventJournal } from './journal/event-journal';
import { AgentRegistry } from './runtime/agent-registry';
import { ThreadNotifier } from './runtime/notifier';
import { RunManager, RunRejectedError } from './runtime/run-manager';
import { ToolDispatcher } from './runtime/tool-dispatcher';
import { createDefaultTools, createDocsIndex, loadDocs, testTools } from './tools';
import { attachSocketServer } from './transport/socket-server';

const threadEventsQuery = z.object({ afterSeq: z.coerce.number().int().nonnegative().default(0) });

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  port: number;
  logger: Logger;
  runs: RunManager;
  /** Cancels active runs, closes every socket with 1001 and stops listening. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const logger = pino({ level: options.logLevel ?? DEFAULT_LOG_LEVEL, base: undefined });

  const docs = createDocsIndex(await loadDocs(options.docsRoot ?? PROJECT_ROOT));
  const dispatcher = new ToolDispatcher(createDefaultTools(docs), {
    timeoutMs: options.toolTimeoutMs,
    keepAliveMs: options.keepAliveMs,
  });
  const registry = new AgentRegistry().register(createDefaultAgent({ paceMs: options.agentPaceMs }), {
    isDefault: true,
  });
  const scenarios = options.scenarios ? await loadScenarios(options.scenariosDir ?? DEFAULT_SCENARIOS_DIR) : new Map();
  if (options.scenarios) {
    for (const tool of testTools) dispatcher.register(tool);
    registry.register(createScenarioAgent(scenarios), { command: SCENARIO_COMMAND });
    registry.register(createReplayAgent({ dir: options.replayDir ?? DEFAULT_REPLAY_DIR }), { command: REPLAY_COMMAND });
  }
  const tokens = new SessionTokens(options.sessions);
  if (tokens.hasEphemeralSecret) logger.warn('SESSION_SECRET is not set: sessions end when the server restarts');
  const notifier = new ThreadNotifier();
  const journal = new EventJournal({ path: options.journalPath ?? DEFAULT_JOURNAL_PATH });
  const runs = new RunManager({
    registry,
    dispatcher,
    notifier,
    logger,
    journal,
    maxConcurrentRuns: options.maxConcurrentRuns,
    keepAliveMs: options.keepAliveMs,
    faults: options.faults,
  });
  if (options.faults) logger.warn('AGENT_FAULTS is on: "/fault …;" messages break their runs on purpose');
  const interrupted = runs.interruptUnfinishedRuns();
  if (interrupted > 0) logger.warn({ interrupted }, 'closed runs left open by the previous process');

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeMs: Math.round(process.uptime() * 1000), activeRuns: runs.activeRunCount });
  });
  const api = express.Router();
  api.get('/agents', (_req, res) => res.json({ agents: registry.list() }));
  api.get('/tools', (_req, res) => res.json({ tools: dispatcher.list() }));
  api.get('/scenarios', (_req, res) => {
    res.json({
      enabled: Boolean(options.scenarios),
      faults: Boolean(options.faults),
      scenarios: [...scenarios.values()].map(({ name, description, params }) => ({ name, description, params })),
    });
  });
  api.use(sessionRouter(tokens));
  api.get('/threads/:threadId/events', async (req, res) => {
    const query = threadEventsQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: { code: 'invalid_message', message: describeIssues(query.error) } });
      return;
    }
    const user = await sessionUser(tokens, req).catch(() => undefined);
    if (!user) {
      res.status(401).json({ error: { code: 'unauthorized', message: 'a valid session is required' } });
      return;
    }
    const { threadId } = req.params;
    try {
      runs.authorizeThread(threadId, user.userId);
    } catch (error) {
      if (!(error instanceof RunRejectedError)) throw error;
      res.status(error.code === 'forbidden' ? 403 : 404).json({ error: { code: error.code, message: error.message } });
      return;
    }
    const frames = runs.framesAfter(threadId, query.data.afterSeq);
    res.type('json').send(`{"threadId":${JSON.stringify(threadId)},"events":[${frames.join(',')}]}`);
  });
  if (options.scenarios) {
    // Test-only (with scenarios): cut the caller's sockets from the server side, mid-run.
    api.post('/test/terminate-sockets', async (req, res) => {
      const user = await sessionUser(tokens, req).catch(() => undefined);
      if (!user) {
        res.status(401).json({ error: { code: 'unauthorized', message: 'a valid session is required' } });
        return;
      }
      res.json({ terminated: sockets.terminateUser(user.userId) });
    });
  }
  api.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `no API route ${req.method} ${req.originalUrl}` } });
  });
  app.use('/api', api);

  const staticDir = options.staticDir ?? DEFAULT_STATIC_DIR;
  if (existsSync(staticDir)) {
    app.use(express.static(staticDir));
  } else {
    logger.warn({ staticDir }, 'chat page is not built; run `npm run build`');
    app.get('/', (_req, res) => {
      res.status(503).type('text').send('The chat page is not built. Run `npm run build`, then reload.');
    });
  }
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    logger.error({ err: error, path: req.path }, 'request failed');
    res.status(500).json({ error: { code: 'internal_error', message: 'internal server error' } });
  };
  app.use(onError);

  const httpServer = createServer(app);
  const sockets = attachSocketServer(httpServer, {
    runs,
    notifier,
    logger,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    rateLimit: { ratePerSecond: options.messageRate, burst: options.messageBurst },
    backpressure: { highWaterBytes: options.highWaterBytes, maxQueuedBytes: options.maxQueuedBytes },
    isOriginAllowed: (origin) => allowedOrigins.has(origin),
    authenticate: (request) => sessionUser(tokens, request),
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? DEFAULT_PORT, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const allowedOrigins = new Set(options.allowedOrigins ?? [url, `http://localhost:${port}`]);
  logger.info({ url, scenarios: Boolean(options.scenarios) }, 'server listening');

  return {
    url,
    port,
    logger,
    runs,
    async close() {
      await runs.shutdown('server shutting down');
      sockets.close(CLOSE_CODES.goingAway, 'server shutting down');
      journal.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
