/**
 * Server options, their defaults, and how they are read from the environment.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { describeIssues } from '../protocol';
import type { LlmAgentOptions } from './agents/llm/options';
import type { SessionTokenOptions } from './auth/session-tokens';
import type { LogFormat } from './logger';
import type { RetentionScheduleOptions } from './runtime/journal-retention';

export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_LOG_LEVEL = 'info';
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_STATIC_DIR = path.join(PROJECT_ROOT, 'web', 'dist');
export const DEFAULT_SCENARIOS_DIR = path.join(PROJECT_ROOT, 'server', 'scenarios');
export const DEFAULT_REPLAY_DIR = path.join(PROJECT_ROOT, 'recordings');
export const DEFAULT_JOURNAL_PATH = path.join(PROJECT_ROOT, 'data', 'journal.db');
/** Longest a shutdown waits for sockets to take their last events. */
export const DEFAULT_SHUTDOWN_DRAIN_MS = 5_000;

/**
 * The llm agent's provider and limits (see LlmAgentOptions for each default). From the environment:
 * LLM_BASE_URL, LLM_API_KEY, LLM_MODEL (all three or none), LLM_IDLE_TIMEOUT_MS, LLM_REQUEST_TIMEOUT_MS,
 * LLM_MAX_RETRIES, LLM_MAX_STEPS; `retryBaseMs` and `fetch` are for code (tests) only.
 */
export type LlmServerOptions = Omit<LlmAgentOptions, 'tools' | 'systemPrompt'>;

export interface ServerOptions {
  /** TCP port; 0 lets the OS pick one. @default DEFAULT_PORT (3000) */
  port?: number;
  /** Interface to bind. @default DEFAULT_HOST ('127.0.0.1') */
  host?: string;
  /**
   * Browser Origins allowed to open `/ws`. Requests without an Origin header
   * (non-browser clients) are always allowed.
   * @default the server's own origins: http://127.0.0.1:PORT and http://localhost:PORT
   */
  allowedOrigins?: readonly string[];
  /** Enables `/scenario …` scripted runs and the test-only tools. @default false */
  scenarios?: boolean;
  /** Enables `/fault …;` prefixes that break a run's stream on purpose, for the harness self-test. @default false */
  faults?: boolean;
  /**
   * With scenarios or faults on, listen on a host the network can reach anyway (the server refuses
   * otherwise, and warns loudly when forced). @default false
   */
  allowTestSwitchesOnNetwork?: boolean;
  /**
   * Express's `trust proxy`: which proxies' X-Forwarded-* headers to believe, so a request that reached
   * a TLS-terminating proxy counts as secure (the session cookie is then `Secure`). From TRUST_PROXY:
   * `true`, a hop count, or addresses/subnets such as `loopback`. @default false: no proxy is trusted
   */
  trustProxy?: boolean | number | string;
  /** New sessions one client address may open per minute (POST /api/session). @default DEFAULT_SESSIONS_PER_MINUTE (30) */
  sessionsPerMinute?: number;
  /** Pino log level (`silent` in tests). @default DEFAULT_LOG_LEVEL ('info') */
  logLevel?: string;
  /** `pretty` (readable lines) or `json` (one object per line). @default 'pretty' when stdout is a terminal, else 'json' */
  logFormat?: LogFormat;
  /** Built chat page to serve at `/`. @default DEFAULT_STATIC_DIR (web/dist) */
  staticDir?: string;
  /** SQLite file of the event journal, or `:memory:`. @default DEFAULT_JOURNAL_PATH (data/journal.db) */
  journalPath?: string;
  /**
   * Several server processes share threads through this Redis (redis://host:port): events go to one
   * stream per thread instead of the SQLite journal. @default none: one process, SQLite
   */
  redisUrl?: string;
  /** This process's name among the nodes. @default `<hostname>-<pid>-<random>` */
  nodeId?: string;
  /** How long a node's lease lasts before others close its runs as interrupted. @default DEFAULT_NODE_LEASE_MS (5 s) */
  nodeLeaseMs?: number;
  /** Events each thread's Redis stream keeps. @default DEFAULT_STREAM_MAX_EVENTS (100,000) */
  streamMaxEvents?: number;
  /** Scenario files. @default DEFAULT_SCENARIOS_DIR (server/scenarios) */
  scenariosDir?: string;
  /** Recorded runs (`<name>.jsonl`) that `/replay <name>` plays back, with scenarios on. @default DEFAULT_REPLAY_DIR (recordings) */
  replayDir?: string;
  /** Root whose README.md and docs/ the docs_search tool indexes. @default PROJECT_ROOT */
  docsRoot?: string;
  /** Pause between the default agent's steps. @default DEFAULT_PACE_MS (150 ms) */
  agentPaceMs?: number;
  /** Time a tool may run before it is aborted. @default DEFAULT_TOOL_TIMEOUT_MS (30 s) */
  toolTimeoutMs?: number;
  /** WebSocket ping interval; silent sockets are terminated. @default DEFAULT_HEARTBEAT_INTERVAL_MS (15 s) */
  heartbeatIntervalMs?: number;
  /** Client messages per second per connection. @default DEFAULT_MESSAGE_RATE (20) */
  messageRate?: number;
  /** Client messages a connection may send at once. @default DEFAULT_MESSAGE_BURST (40) */
  messageBurst?: number;
  /** Client messages per second per user, across all its sockets. @default DEFAULT_USER_MESSAGE_RATE (40) */
  userMessageRate?: number;
  /** Client messages a user may send at once, across all its sockets. @default DEFAULT_USER_MESSAGE_BURST (80) */
  userMessageBurst?: number;
  /** Runs one user may have in progress at once. @default DEFAULT_MAX_CONCURRENT_RUNS (4) */
  maxConcurrentRuns?: number;
  /** Runs the whole server may have in progress at once. @default DEFAULT_MAX_ACTIVE_RUNS (200) */
  maxActiveRuns?: number;
  /** Open WebSockets one user may hold; more are refused with 429. @default DEFAULT_MAX_SOCKETS_PER_USER (16) */
  maxSocketsPerUser?: number;
  /** Open WebSockets one client address may hold. @default DEFAULT_MAX_SOCKETS_PER_ADDRESS (64) */
  maxSocketsPerAddress?: number;
  /** Resume replays one user may run at once, across its sockets; more wait their turn. @default DEFAULT_MAX_REPLAYS_PER_USER (2) */
  maxReplaysPerUser?: number;
  /** Send buffer above which a socket's frames queue (and deltas coalesce). @default 1 MiB */
  highWaterBytes?: number;
  /** Queue size at which a slow socket is closed with 1013. @default 4 MiB */
  maxQueuedBytes?: number;
  /** Silence after which a run or a tool sends a keep-alive event. @default 2000 ms */
  keepAliveMs?: number;
  /**
   * Session tokens: HS256 secret, and an optional JWKS for an external identity provider.
   * @default without a secret: the one kept in `<journal folder>/session-secret` (made with mode 0600 on
   * first start), or a random one per process for a `:memory:` journal
   */
  sessions?: SessionTokenOptions;
  /**
   * What the journal forgets: per thread, in total, and by age, checked every `intervalMs`
   * (see RetentionOptions). @default 100,000 events per thread, 1 GiB in total, 30 days, every 10 min
   */
  retention?: RetentionScheduleOptions;
  /** First retry after a failed journal commit (e.g. a full disk), doubling per failure. @default 250 ms */
  journalRetryMinMs?: number;
  /** Longest wait between two retries of a failed journal commit. @default 5000 ms */
  journalRetryMaxMs?: number;
  /**
   * On shutdown, how long to wait for every socket to take its last events
   * (its outbound queue and send buffer empty) before closing it with 1001.
   * @default DEFAULT_SHUTDOWN_DRAIN_MS (5 s)
   */
  shutdownDrainMs?: number;
  /**
   * An OpenAI-compatible model provider: the `llm` agent becomes the default agent (`/llm`), and the
   * deterministic one answers `/assistant`.
   * @default none: the deterministic agent is the default and no key is needed
   */
  llm?: LlmServerOptions;
}

function blankAsUnset(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

const flag = z.enum(['0', '1', 'true', 'false']).transform((value) => value === '1' || value === 'true');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  HOST: z.string().min(1).optional(),
  ALLOWED_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .optional(),
  AGENT_SCENARIOS: flag.optional(),
  AGENT_FAULTS: flag.optional(),
  ALLOW_TEST_SWITCHES_ON_NETWORK: flag.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  SESSIONS_PER_MINUTE: z.coerce.number().positive().optional(),
  TRUST_PROXY: z
    .string()
    .min(1)
    .transform((value) =>
      value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value,
    )
    .optional(),
  AGENT_PACE_MS: z.coerce.number().int().min(0).max(10_000).optional(),
  TOOL_TIMEOUT_MS: z.coerce.number().int().min(1).optional(),
  HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(10).optional(),
  MESSAGE_RATE: z.coerce.number().positive().optional(),
  MESSAGE_BURST: z.coerce.number().int().min(1).optional(),
  USER_MESSAGE_RATE: z.coerce.number().positive().optional(),
  USER_MESSAGE_BURST: z.coerce.number().int().min(1).optional(),
  MAX_CONCURRENT_RUNS: z.coerce.number().int().min(1).optional(),
  MAX_ACTIVE_RUNS: z.coerce.number().int().min(1).optional(),
  MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).optional(),
  MAX_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).optional(),
  MAX_REPLAYS_PER_USER: z.coerce.number().int().min(1).optional(),
  JOURNAL_PATH: z.string().min(1).optional(),
  REDIS_URL: z.preprocess(blankAsUnset, z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).optional()),
  NODE_ID: z
    .string()
    .regex(/^[\w.-]{1,100}$/, 'letters, digits, _ . - only')
    .optional(),
  NODE_LEASE_MS: z.coerce.number().int().min(100).optional(),
  REDIS_STREAM_MAX_EVENTS: z.coerce.number().int().min(100).optional(),
  REPLAY_DIR: z.string().min(1).optional(),
  STATIC_DIR: z.string().min(1).optional(),
  KEEPALIVE_MS: z.coerce.number().int().min(10).optional(),
  JOURNAL_MAX_THREAD_EVENTS: z.coerce.number().int().min(1).optional(),
  JOURNAL_MAX_BYTES: z.coerce.number().int().min(1).optional(),
  JOURNAL_MAX_AGE_DAYS: z.coerce.number().positive().optional(),
  JOURNAL_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).optional(),
  JOURNAL_RETRY_MIN_MS: z.coerce.number().int().min(1).optional(),
  JOURNAL_RETRY_MAX_MS: z.coerce.number().int().min(1).optional(),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).optional(),
  SESSION_SECRET: z.string().min(16, 'SESSION_SECRET must be at least 16 characters').optional(),
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  ALLOW_GUESTS: flag.optional(),
  // Blank counts as unset for the three that go together, so `LLM_API_KEY=` reads as "missing".
  LLM_BASE_URL: z.preprocess(
    blankAsUnset,
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://api.openai.com/v1' }).optional(),
  ),
  LLM_API_KEY: z.preprocess(blankAsUnset, z.string().optional()),
  LLM_MODEL: z.preprocess(blankAsUnset, z.string().optional()),
  LLM_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1).optional(),
  LLM_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1).optional(),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).optional(),
  LLM_MAX_STEPS: z.coerce.number().int().min(1).max(100).optional(),
});

type Env = z.infer<typeof envSchema>;

const LLM_REQUIRED = ['LLM_BASE_URL', 'LLM_API_KEY', 'LLM_MODEL'] as const;
const LLM_TUNING = ['LLM_IDLE_TIMEOUT_MS', 'LLM_REQUEST_TIMEOUT_MS', 'LLM_MAX_RETRIES', 'LLM_MAX_STEPS'] as const;

/** The llm agent's options: all of LLM_BASE_URL, LLM_API_KEY and LLM_MODEL, or none of them (and no tuning). */
function llmFromEnv(e: Env): LlmServerOptions | undefined {
  const missing = LLM_REQUIRED.filter((name) => !e[name]);
  if (missing.length === LLM_REQUIRED.length) {
    const stray = LLM_TUNING.filter((name) => e[name] !== undefined);
    if (stray.length === 0) return undefined;
    throw new Error(
      `invalid environment: ${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set, but the llm agent is off: ` +
        'set LLM_BASE_URL, LLM_API_KEY and LLM_MODEL to turn it on',
    );
  }
  if (missing.length > 0) {
    throw new Error(
      `invalid environment: the llm agent needs LLM_BASE_URL, LLM_API_KEY and LLM_MODEL together; ` +
        `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing (or set none of them)`,
    );
  }
  return {
    baseUrl: e.LLM_BASE_URL ?? '',
    apiKey: e.LLM_API_KEY ?? '',
    model: e.LLM_MODEL ?? '',
    idleTimeoutMs: e.LLM_IDLE_TIMEOUT_MS,
    requestTimeoutMs: e.LLM_REQUEST_TIMEOUT_MS,
    maxRetries: e.LLM_MAX_RETRIES,
    maxSteps: e.LLM_MAX_STEPS,
  };
}

/** Reads ServerOptions from environment variables; throws a readable error on bad values. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid environment: ${describeIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    allowedOrigins: e.ALLOWED_ORIGINS,
    scenarios: e.AGENT_SCENARIOS,
    faults: e.AGENT_FAULTS,
    allowTestSwitchesOnNetwork: e.ALLOW_TEST_SWITCHES_ON_NETWORK,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    trustProxy: e.TRUST_PROXY,
    sessionsPerMinute: e.SESSIONS_PER_MINUTE,
    agentPaceMs: e.AGENT_PACE_MS,
    toolTimeoutMs: e.TOOL_TIMEOUT_MS,
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
    messageRate: e.MESSAGE_RATE,
    messageBurst: e.MESSAGE_BURST,
    userMessageRate: e.USER_MESSAGE_RATE,
    userMessageBurst: e.USER_MESSAGE_BURST,
    maxConcurrentRuns: e.MAX_CONCURRENT_RUNS,
    maxActiveRuns: e.MAX_ACTIVE_RUNS,
    maxSocketsPerUser: e.MAX_SOCKETS_PER_USER,
    maxSocketsPerAddress: e.MAX_SOCKETS_PER_ADDRESS,
    maxReplaysPerUser: e.MAX_REPLAYS_PER_USER,
    journalPath: e.JOURNAL_PATH,
    redisUrl: e.REDIS_URL,
    nodeId: e.NODE_ID,
    nodeLeaseMs: e.NODE_LEASE_MS,
    streamMaxEvents: e.REDIS_STREAM_MAX_EVENTS,
    replayDir: e.REPLAY_DIR,
    staticDir: e.STATIC_DIR,
    keepAliveMs: e.KEEPALIVE_MS,
    retention: {
      maxThreadEvents: e.JOURNAL_MAX_THREAD_EVENTS,
      maxBytes: e.JOURNAL_MAX_BYTES,
      maxAgeDays: e.JOURNAL_MAX_AGE_DAYS,
      intervalMs: e.JOURNAL_RETENTION_INTERVAL_MS,
    },
    journalRetryMinMs: e.JOURNAL_RETRY_MIN_MS,
    journalRetryMaxMs: e.JOURNAL_RETRY_MAX_MS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    sessions: {
      secret: e.SESSION_SECRET,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      allowGuests: e.ALLOW_GUESTS,
    },
    llm: llmFromEnv(e),
  };
}
