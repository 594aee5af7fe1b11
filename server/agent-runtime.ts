/**
 * The agent runtime, composed from ServerOptions: tools, agents, sessions, the
 * event path (journal or cluster → notifier, with the fault filter only when
 * faults are on) and the RunManager. No HTTP here: the app and the sockets
 * are built on top of it (app.ts).
 */
import type { Logger } from 'pino';
import {
  type CommandInfo,
  commandCatalog,
  createHelpAgent,
  createUnknownCommandAgent,
  HELP_COMMAND,
} from './agents/commands';
import { createDefaultAgent } from './agents/default-agent';
import { createLlmAgent } from './agents/llm/llm-agent';
import { createReplayAgent, REPLAY_COMMAND } from './agents/replay-agent';
import { createScenarioAgent, SCENARIO_COMMAND } from './agents/scenario-agent';
import { loadScenarios, type Scenario } from './agents/scenario-file';
import { resolveSessionSecret, type SessionSecretSource } from './auth/session-secret';
import { SessionTokens } from './auth/session-tokens';
import { Cluster } from './cluster/cluster';
import {
  DEFAULT_JOURNAL_PATH,
  DEFAULT_REPLAY_DIR,
  DEFAULT_SCENARIOS_DIR,
  PROJECT_ROOT,
  type ServerOptions,
} from './config';
import { RunFaults } from './faults/run-faults';
import { EventJournal } from './journal/event-journal';
import { AgentRegistry } from './runtime/agent-registry';
import { scheduleRetention } from './runtime/journal-retention';
import { ThreadNotifier } from './runtime/notifier';
import { DEFAULT_MAX_CONCURRENT_RUNS } from './runtime/run-admission';
import { RunManager } from './runtime/run-manager';
import { ToolDispatcher } from './runtime/tool-dispatcher';
import { createDefaultTools, createDocsIndex, loadDocs, testTools } from './tools';

/** With a model provider configured: the llm agent is the default, and these commands pick either agent. */
const LLM_COMMAND = '/llm';
const ASSISTANT_COMMAND = '/assistant';

export interface AgentRuntime {
  registry: AgentRegistry;
  dispatcher: ToolDispatcher;
  tokens: SessionTokens;
  notifier: ThreadNotifier;
  runs: RunManager;
  /** Present unless REDIS_URL is set. */
  journal?: EventJournal;
  /** Present when REDIS_URL is set. */
  cluster?: Cluster;
  /** Loaded scenarios (empty unless scenarios are on), and the chat commands the page lists. */
  scenarios: ReadonlyMap<string, Scenario>;
  commands: CommandInfo[];
  stopRetention(): void;
}

export async function createAgentRuntime(options: ServerOptions, logger: Logger): Promise<AgentRuntime> {
  const docs = createDocsIndex(await loadDocs(options.docsRoot ?? PROJECT_ROOT));
  const dispatcher = new ToolDispatcher(createDefaultTools(docs), {
    timeoutMs: options.toolTimeoutMs,
    keepAliveMs: options.keepAliveMs,
  });
  const scenarios: ReadonlyMap<string, Scenario> = options.scenarios
    ? await loadScenarios(options.scenariosDir ?? DEFAULT_SCENARIOS_DIR)
    : new Map();
  const { registry, commands } = createAgents(options, dispatcher, scenarios);
  const journalPath = options.journalPath ?? DEFAULT_JOURNAL_PATH;
  const secret = resolveSessionSecret({ secret: options.sessions?.secret, journalPath });
  logSessionSecret(logger, secret);
  const tokens = new SessionTokens({
    ...options.sessions,
    ...(secret.kind === 'ephemeral' ? {} : { secret: secret.secret }),
  });

  const notifier = new ThreadNotifier();
  const cluster = options.redisUrl ? await connectCluster(options, logger, secret) : undefined;
  const journal = cluster ? undefined : openJournal(options, journalPath, notifier, logger);
  const faults = options.faults ? new RunFaults() : undefined;
  const store = cluster ?? (journal as EventJournal);
  const runs = new RunManager({
    registry,
    dispatcher,
    notifier,
    logger,
    events: faults ? faults.wrap(store) : store,
    journal,
    maxConcurrentRuns: options.maxConcurrentRuns,
    maxActiveRuns: options.maxActiveRuns,
    keepAliveMs: options.keepAliveMs,
    faults,
  });
  if (faults) logger.warn('AGENT_FAULTS is on: "/fault …;" messages break their runs on purpose');
  const interrupted = runs.interruptUnfinishedRuns();
  if (interrupted > 0) logger.warn({ interrupted }, 'closed runs left open by the previous process');
  // With Redis, each stream keeps its last REDIS_STREAM_MAX_EVENTS, trimmed as it grows (no retention pass).
  const stopRetention = journal ? scheduleRetention(runs, logger, options.retention) : () => {};
  await cluster?.start(runs, notifier);
  return { registry, dispatcher, tokens, notifier, runs, journal, cluster, scenarios, commands, stopRetention };
}

function createAgents(options: ServerOptions, dispatcher: ToolDispatcher, scenarios: ReadonlyMap<string, Scenario>) {
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
  return { registry, commands };
}

/** The journal, delivering each committed event to the thread's sockets. */
function openJournal(options: ServerOptions, path: string, notifier: ThreadNotifier, logger: Logger): EventJournal {
  const journal = new EventJournal({
    path,
    retryMinMs: options.journalRetryMinMs,
    retryMaxMs: options.journalRetryMaxMs,
    deliver: (threadId, frame) => notifier.publish(threadId, frame),
  });
  journal.on('listenerFailed', (error) => logger.error({ err: error }, 'a listener of the journal failed'));
  return journal;
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
