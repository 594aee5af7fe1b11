/**
 * Composes the server: Express for `/api`, `/healthz` and the built page, ws
 * for `/ws`, both on one http.Server, and the agent runtime behind them.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CLOSE_CODES, describeIssues } from '../protocol';
import { commandCatalog, createHelpAgent, createUnknownCommandAgent, HELP_COMMAND } from './agents/commands';
import { createDefaultAgent } from './agents/default-agent';
import { createLlmAgent } from './agents/llm/llm-agent';
import { createReplayAgent, REPLAY_COMMAND } from './agents/replay-agent';
import { createScenarioAgent, SCENARIO_COMMAND } from './agents/scenario-agent';
import { loadScenarios } from './agents/scenario-file';
import { requireSession, sessionRouter, sessionUser, userOf } from './auth/session-http';
import { resolveSessionSecret, type SessionSecretSource } from './auth/session-secret';
import { SessionTokens } from './auth/session-tokens';
import { Cluster } from './cluster/cluster';
import {
  DEFAULT_HOST,
  DEFAULT_JOURNAL_PATH,
  DEFAULT_LOG_LEVEL,
  DEFAULT_PORT,
  DEFAULT_REPLAY_DIR,
  DEFAULT_SCENARIOS_DIR,
  DEFAULT_SHUTDOWN_DRAIN_MS,
  DEFAULT_STATIC_DIR,
  PROJECT_ROOT,
  type ServerOptions,
} from './config';
import { EventJournal } from './journal/event-journal';
import { DEFAULT_THREAD_LIST_LIMIT } from './journal/thread-list';
import { createLogger } from './logger';
import { AgentRegistry } from './runtime/agent-registry';
import { scheduleRetention } from './runtime/journal-retention';
import { ThreadNotifier } from './runtime/notifier';
import { DEFAULT_MAX_CONCURRENT_RUNS, RunManager, RunRejectedError } from './runtime/run-manager';
import { ToolDispatcher } from './runtime/tool-dispatcher';
import { securityHeaders } from './security-headers';
import { checkTestSwitches } from './test-switches';
import { createDefaultTools, createDocsIndex, loadDocs, testTools } from './tools';
import { attachSocketServer } from './transport/socket-server';

/** With a model provider configured: the llm agent is the default, and these commands pick either agent. */
const LLM_COMMAND = '/llm';
const ASSISTANT_COMMAND = '/assistant';

/** Events per page of `GET /api/threads/:threadId/events`, by default and at most. */
export const DEFAULT_EVENTS_PAGE = 1_000;
export const MAX_EVENTS_PAGE = 5_000;

const threadEventsQuery = z.object({
  afterSeq: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_EVENTS_PAGE).default(DEFAULT_EVENTS_PAGE),
});

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

  const docs = createDocsIndex(await loadDocs(options.docsRoot ?? PROJECT_ROOT));
  const dispatcher = new ToolDispatcher(createDefaultTools(docs), {
    timeoutMs: options.toolTimeoutMs,
    keepAliveMs: options.keepAliveMs,
  });
  const assistant = createDefaultAgent({ paceMs: options.agentPaceMs });
  const registry = new AgentRegistry();
  if (options.llm) {
    // Tools are read per run, so the model also sees the test tools registered below (with scenarios on).
    registry.register(createLlmAgent({ ...options.llm, tools: () => dispatcher.specs() }), {
      isDefault: true,
      command: LLM_COMMAND,
    });
    registry.register(assistant, { command: ASSISTANT_COMMAND });
  } else {
    registry.register(assistant, { isDefault: true });
  }
  const scenarios = options.scenarios ? await loadScenarios(options.scenariosDir ?? DEFAULT_SCENARIOS_DIR) : new Map();
  if (options.scenarios) {
    for (const tool of testTools) dispatcher.register(tool);
    registry.register(createScenarioAgent(scenarios), { command: SCENARIO_COMMAND });
    registry.register(createReplayAgent({ dir: options.replayDir ?? DEFAULT_REPLAY_DIR }), { command: REPLAY_COMMAND });
  }
  const commands = commandCatalog({
    scenarios: Boolean(options.scenarios),
    faults: Boolean(options.faults),
    llm: Boolean(options.llm),
  });
  registry.register(createHelpAgent(commands), { command: HELP_COMMAND });
  registry.register(createUnknownCommandAgent(commands), { commandFallback: true });
  const journalPath = options.journalPath ?? DEFAULT_JOURNAL_PATH;
  const secret = resolveSessionSecret({ secret: options.sessions?.secret, journalPath });
  logSessionSecret(logger, secret);
  const tokens = new SessionTokens({
    ...options.sessions,
    ...(secret.kind === 'ephemeral' ? {} : { secret: secret.secret }),
  });
  const notifier = new ThreadNotifier();
  const cluster = options.redisUrl ? await connectCluster(options, logger, secret) : undefined;
  const journal = cluster
    ? undefined
    : new EventJournal({
        path: journalPath,
        retryMinMs: options.journalRetryMinMs,
        retryMaxMs: options.journalRetryMaxMs,
      });
  const runs = new RunManager({
    registry,
    dispatcher,
    notifier,
    logger,
    journal,
    sink: cluster,
    maxConcurrentRuns: options.maxConcurrentRuns,
    maxActiveRuns: options.maxActiveRuns,
    keepAliveMs: options.keepAliveMs,
    faults: options.faults,
  });
  if (options.faults) logger.warn('AGENT_FAULTS is on: "/fault …;" messages break their runs on purpose');
  const interrupted = runs.interruptUnfinishedRuns();
  if (interrupted > 0) logger.warn({ interrupted }, 'closed runs left open by the previous process');
  // With Redis, each stream keeps its last REDIS_STREAM_MAX_EVENTS, trimmed as it grows (no retention pass).
  const stopRetention = journal ? scheduleRetention(runs, logger, options.retention) : () => {};
  await cluster?.start(runs, notifier);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.use(securityHeaders());
  let closing: Promise<void> | undefined;
  app.get('/healthz', (_req, res) => {
    const failure = journal?.writeFailure;
    const reason = closing
      ? 'the server is shutting down'
      : (failure && `journal cannot write: ${failure.reason}`) || cluster?.unavailable();
    const stats = { uptimeMs: Math.round(process.uptime() * 1000), activeRuns: runs.activeRunCount };
    if (reason) res.status(503).json({ status: 'unavailable', reason, ...stats });
    else res.json({ status: 'ok', ...stats });
  });
  const api = express.Router();
  api.get('/agents', (_req, res) => res.json({ agents: registry.list() }));
  api.get('/tools', (_req, res) => res.json({ tools: dispatcher.list() }));
  api.get('/scenarios', (_req, res) => {
    res.json({
      enabled: Boolean(options.scenarios),
      faults: Boolean(options.faults),
      scenarios: [...scenarios.values()].map(({ name, description, params }) => ({ name, description, params })),
      commands,
    });
  });
  api.use(sessionRouter(tokens, { perMinute: options.sessionsPerMinute }));
  // The caller's past chats, newest first, titled by their first message.
  const signedIn = requireSession(tokens);
  api.get('/threads', signedIn, async (_req, res) => {
    const userId = userOf(res).userId;
    res.json({
      threads: cluster ? await cluster.threadsOf(userId, DEFAULT_THREAD_LIST_LIMIT) : journal?.threadsOf(userId),
    });
  });
  api.get('/threads/:threadId/events', signedIn, async (req, res) => {
    const query = threadEventsQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: { code: 'invalid_message', message: describeIssues(query.error) } });
      return;
    }
    const user = userOf(res);
    const threadId = String(req.params.threadId);
    try {
      await cluster?.loadThread(threadId);
      runs.authorizeThread(threadId, user.userId);
    } catch (error) {
      if (!(error instanceof RunRejectedError)) throw error;
      res.status(error.code === 'forbidden' ? 403 : 404).json({ error: { code: error.code, message: error.message } });
      return;
    }
    const { afterSeq, limit } = query.data;
    const frames = cluster
      ? await cluster.framesAfter(threadId, afterSeq, limit)
      : runs.framesAfter(threadId, afterSeq, limit);
    // A full page may have more after it: the next page starts after its last seq.
    const last = frames.length === limit ? (JSON.parse(frames.at(-1) as string) as { seq: number }).seq : undefined;
    const next = last === undefined ? '' : `,"nextAfterSeq":${last}`;
    res.type('json').send(`{"threadId":${JSON.stringify(threadId)},"events":[${frames.join(',')}]${next}}`);
  });
  if (options.scenarios) {
    // Test-only (with scenarios): cut the caller's sockets from the server side, mid-run.
    api.post('/test/terminate-sockets', signedIn, (_req, res) => {
      res.json({ terminated: sockets.terminateUser(userOf(res).userId) });
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
    const client = clientError(error);
    if (client) {
      res.status(client.status).json({ error: { code: 'invalid_message', message: client.message } });
      return;
    }
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
    userRateLimit: { ratePerSecond: options.userMessageRate, burst: options.userMessageBurst },
    backpressure: { highWaterBytes: options.highWaterBytes, maxQueuedBytes: options.maxQueuedBytes },
    replays: { maxActive: options.maxReplaysPerUser },
    maxSocketsPerUser: options.maxSocketsPerUser,
    maxSocketsPerAddress: options.maxSocketsPerAddress,
    cluster,
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
  logger.info(`open ${url} in your browser`);

  return {
    url,
    port,
    logger,
    runs,
    close() {
      closing ??= shutDown();
      return closing;
    },
  };

  async function shutDown(): Promise<void> {
    stopRetention();
    await runs.shutdown('server shutting down');
    // The runs' last events wait in the journal's buffer: committing them hands them to the sockets.
    if (journal && !journal.flush()) {
      logger.error(
        { reason: journal.writeFailure?.reason },
        'shutdown: the journal cannot write; unsaved events stay unsent',
      );
    }
    const drainMs = options.shutdownDrainMs ?? DEFAULT_SHUTDOWN_DRAIN_MS;
    if (!(await sockets.drain(drainMs))) {
      logger.warn({ drainMs }, 'shutdown: some sockets had not taken their last events in time; closing them anyway');
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
}

/** Joins the cluster of REDIS_URL; its nodes must share SESSION_SECRET to accept each other's sessions. */
async function connectCluster(options: ServerOptions, logger: Logger, secret: SessionSecretSource): Promise<Cluster> {
  if (secret.kind !== 'env') {
    throw new Error('REDIS_URL is set but SESSION_SECRET is not: every node must sign sessions with the same secret');
  }
  try {
    return await Cluster.connect({
      url: options.redisUrl as string,
      nodeId: options.nodeId,
      leaseMs: options.nodeLeaseMs,
      maxRunsPerUser: options.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS,
      streamMaxEvents: options.streamMaxEvents,
      logger,
    });
  } catch (error) {
    throw new Error(`cannot reach Redis at REDIS_URL (${options.redisUrl}): ${String(error)}`);
  }
}

/** A request the body parser refused (bad JSON, too large): the client's fault, said in plain words. */
function clientError(error: unknown): { status: number; message: string } | undefined {
  const { status, type, limit } = (error ?? {}) as { status?: unknown; type?: unknown; limit?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (type === 'entity.too.large') return { status, message: `the request body is over its limit of ${limit} bytes` };
  if (type === 'entity.parse.failed') return { status, message: 'the request body is not valid JSON' };
  return { status, message: error instanceof Error ? error.message : 'bad request' };
}

function logSessionSecret(logger: Logger, source: SessionSecretSource): void {
  if (source.kind === 'ephemeral') {
    logger.warn('SESSION_SECRET is not set and the journal is in memory: sessions end when the server restarts');
  } else if (source.kind === 'file') {
    const message = source.created ? 'created the session secret' : 'using the session secret';
    logger.info({ file: source.file }, `${message} (SESSION_SECRET is not set)`);
    if (source.looseMode)
      logger.warn({ file: source.file }, 'the session secret file is readable by others: chmod 600 it');
  }
}
