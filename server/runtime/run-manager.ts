/**
 * RunManager: owns threads and their runs. It numbers each thread's events
 * (seq), stamps them, hands each to its event sink (the journal, or a cluster
 * node's Redis store), which delivers it once it is saved, and cancels runs on
 * request. When the journal cannot write, it fails the runs it holds back,
 * tells their users out of band, and refuses new runs until a retry commits.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { PayloadOf, RunEvent, RunEventType } from '../../protocol';
import { type FaultPlan, FaultPlanError } from '../faults/fault-plan';
import type { RunFaults } from '../faults/run-faults';
import type { EventJournal, RetentionOptions, RetentionResult, UnfinishedRun } from '../journal/event-journal';
import type { AgentRegistry } from './agent-registry';
import type { EventSink } from './event-sink';
import { onJournalWriteFailed } from './journal-outage';
import type { ThreadNotifier } from './notifier';
import { RunAdmission } from './run-admission';
import { RunContext, type RunSummary } from './run-context';
import { RunRejectedError } from './run-rejected-error';
import { type Thread, ThreadDirectory } from './thread-directory';
import { ThreadReaders } from './thread-readers';
import type { ToolDispatcher } from './tool-dispatcher';

export interface RunManagerOptions {
  registry: AgentRegistry;
  dispatcher: ToolDispatcher;
  notifier: ThreadNotifier;
  logger: Logger;
  /**
   * Where every event goes before any socket sees it: the journal, or a cluster
   * node's Redis store. It delivers each to the notifier once saved.
   */
  events: EventSink;
  /**
   * The SQLite journal behind `events`: resume reads, runs a restart left open,
   * retention and write failures. Absent on a cluster node (REDIS_URL), whose
   * reads go to Redis.
   */
  journal?: EventJournal;
  /** Clock for event timestamps. @default Date.now */
  now?: () => number;
  /**
   * Threads kept in memory; beyond this the least recently used idle ones are
   * forgotten, and continuing them answers `not_found`.
   * @default DEFAULT_MAX_IDLE_THREADS (10,000)
   */
  maxThreads?: number;
  /**
   * Runs one owner may have in progress at once; more answer `rate_limited`.
   * @default DEFAULT_MAX_CONCURRENT_RUNS (4)
   */
  maxConcurrentRuns?: number;
  /**
   * Runs in progress on the whole server at once; more answer `rate_limited`, so many users (or many
   * guests of one) cannot take every CPU slot from the rest. @default DEFAULT_MAX_ACTIVE_RUNS (200)
   */
  maxActiveRuns?: number;
  /** Silence after which a run sends a keep-alive. @default DEFAULT_RUN_KEEPALIVE_MS (2 s) */
  keepAliveMs?: number;
  /**
   * Honours `/fault …;` prefixes that break a run on purpose (AGENT_FAULTS=1).
   * Its filter must also wrap `events` (RunFaults.wrap). @default none
   */
  faults?: RunFaults;
}

export interface RunRequest {
  /** Continue this thread; a new thread is created when absent. */
  threadId?: string;
  text: string;
  /** The user who asked: the thread must be theirs, and concurrent runs are capped per owner. */
  owner: string;
  /** The run's id, when it was claimed under it beforehand (the cluster does). @default a new UUID */
  runId?: string;
}

export interface AcceptedRun {
  threadId: string;
  runId: string;
}

export interface StartedRun extends AcceptedRun {
  /** Settles once `agent_completed` has been published. */
  done: Promise<RunSummary>;
}

export class RunManager {
  readonly #options: RunManagerOptions;
  readonly #now: () => number;
  readonly #threads: ThreadDirectory;
  readonly #runs = new Map<string, { context: RunContext; done: Promise<RunSummary> }>();
  readonly #admission: RunAdmission;
  readonly #readers = new ThreadReaders();
  #shuttingDown = false;

  constructor(options: RunManagerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#threads = new ThreadDirectory(options.events, options.journal, options.maxThreads);
    this.#admission = new RunAdmission(options);
    const { journal, notifier, logger } = options;
    const active = () => [...this.#runs.values()].map((run) => run.context);
    journal?.on('writeFailed', (failure) => onJournalWriteFailed(failure, { journal, notifier, logger, active }));
    options.journal?.on('writeRecovered', () => {
      options.notifier.clearNotices();
      options.logger.warn('journal writes again: held-back events delivered, new runs accepted');
    });
  }

  get activeRunCount(): number {
    return this.#runs.size;
  }

  hasThread(threadId: string): boolean {
    return this.#threads.has(threadId);
  }

  /** The thread's last seq as this process knows it (0 for an unknown thread). */
  lastSeqOf(threadId: string): number {
    return this.#threads.peek(threadId)?.lastSeq ?? 0;
  }

  /**
   * Takes in a thread another node created or continued (the cluster read it
   * from Redis): its owner, and its last seq unless a run is going on here.
   */
  adoptThread(threadId: string, ownerId: string | undefined, lastSeq: number): void {
    this.#threads.adopt(threadId, ownerId, lastSeq);
  }

  /** Cancels a run of this process without an owner check (the caller checked); false when it is not here. */
  cancelLocal(runId: string, reason?: string): boolean {
    const run = this.#runs.get(runId);
    run?.context.cancel(reason);
    return run !== undefined;
  }

  /**
   * Serialized events of a thread after `afterSeq`, from the journal. A run the
   * journal holds open but nobody runs any more is closed first, so a reader
   * never follows it forever.
   */
  framesAfter(threadId: string, afterSeq: number, limit?: number): string[] {
    const thread = this.#threads.get(threadId);
    if (thread) this.#closeLostRun(thread);
    return this.#options.journal?.framesAfter(threadId, afterSeq, limit) ?? [];
  }

  /**
   * Closes runs a previous process left open: their open tool calls complete as
   * errors, then the run completes as `interrupted`. Call once at startup.
   */
  interruptUnfinishedRuns(): number {
    const unfinished = this.#options.journal?.unfinishedRuns() ?? [];
    for (const run of unfinished) {
      this.#closeOpenRun(this.#threads.revive(run.threadId), run, 'the server restarted before the run finished');
      this.#options.logger.warn({ threadId: run.threadId, runId: run.runId }, 'closed a run interrupted by a restart');
    }
    return unfinished.length;
  }

  /**
   * The thread's last run when the journal holds it open though this process
   * does not run it: its end was lost on the way (a fault, a bug). It is closed
   * as interrupted, so no page shows it running forever.
   */
  #closeLostRun(thread: Thread): void {
    if (thread.activeRun) return;
    const run = this.#options.journal?.unfinishedRunOf(thread.id);
    if (!run || this.#options.faults?.isDelivering(run.runId)) return;
    this.#closeOpenRun(thread, run, 'the server lost track of this run before it finished');
    this.#options.logger.warn({ threadId: thread.id, runId: run.runId }, 'closed a run whose end was lost');
  }

  /** Completes a journaled run that nobody runs: its open tool calls as errors, then the run as interrupted. */
  #closeOpenRun(thread: Thread, run: UnfinishedRun, reason: string): void {
    const durationMs = Math.max(0, this.#now() - run.startedAt);
    for (const { toolCallId, toolName } of run.openToolCalls) {
      const error = `interrupted: ${reason}`;
      this.#publish(thread, run.runId, 'tool_completed', { toolCallId, toolName, status: 'error', error, durationMs });
    }
    this.#publish(thread, run.runId, 'agent_completed', { status: 'interrupted', error: reason, durationMs });
  }

  /**
   * Starts a run. `onAccepted` is called before the first event is published,
   * so a caller can subscribe to the thread and acknowledge the message first.
   */
  startRun(request: RunRequest, onAccepted?: (accepted: AcceptedRun) => void): StartedRun {
    if (this.#shuttingDown) throw new RunRejectedError('unavailable', 'the server is shutting down');
    const unavailable = this.#options.events.unavailable();
    if (unavailable) throw new RunRejectedError('unavailable', `${unavailable}; try again in a moment`);
    const { owner } = request;
    this.#admission.check(owner);
    const thread = this.#resolveThread(request.threadId, owner);
    const { plan, text } = this.#faultsOf(request.text);
    const routed = this.#options.registry.route(text);
    const agent = this.#options.faults?.agentFor(routed.agent, plan) ?? routed.agent;
    const { input } = routed;
    const runId = request.runId ?? randomUUID();
    const context = new RunContext({
      threadId: thread.id,
      runId,
      input,
      message: text,
      keepAliveMs: this.#options.keepAliveMs,
      dispatcher: this.#options.dispatcher,
      emit: (type, payload) => this.#publish(thread, runId, type, payload),
    });
    thread.activeRun = context;
    if (plan) this.#options.faults?.attach(runId, plan);
    const release = this.#admission.take(owner);
    const log = this.#options.logger.child({ threadId: thread.id, runId });
    log.info({ agent: agent.name }, 'run started');

    onAccepted?.({ threadId: thread.id, runId });
    const done = context.execute(agent).finally(() => {
      this.#runs.delete(runId);
      if (thread.activeRun === context) thread.activeRun = undefined;
      release();
      this.#options.faults?.detach(runId);
    });
    this.#runs.set(runId, { context, done });
    void done.then((summary) => {
      const level = summary.status === 'failed' ? 'warn' : 'info';
      log[level]({ status: summary.status, durationMs: summary.durationMs, error: summary.error }, 'run completed');
    });
    return { threadId: thread.id, runId, done };
  }

  /** The `/fault …;` plan of a message (faults on only) and the message without it. */
  #faultsOf(message: string): { plan?: FaultPlan; text: string } {
    try {
      return this.#options.faults?.parse(message) ?? { text: message };
    } catch (error) {
      if (error instanceof FaultPlanError) throw new RunRejectedError('invalid_message', error.message);
      throw error;
    }
  }

  /** Cancels a running run of `owner`'s; throws RunRejectedError (not_found, forbidden) otherwise. */
  cancel(runId: string, owner: string): void {
    const run = this.#runs.get(runId);
    if (!run) {
      // A run that just ended has its agent_completed waiting for the next commit: send it before the refusal.
      this.#options.journal?.flush();
      throw new RunRejectedError('not_found', `run ${runId} is not running`);
    }
    this.#authorize(this.#threads.get(run.context.threadId), owner);
    run.context.cancel();
  }

  /** Checks that `owner` may read a thread; throws RunRejectedError (not_found, forbidden) otherwise. */
  authorizeThread(threadId: string, owner: string): void {
    const thread = this.#threads.get(threadId);
    if (!thread) throw new RunRejectedError('not_found', `thread ${threadId} does not exist`);
    this.#authorize(thread, owner);
  }

  #authorize(thread: Thread | undefined, owner: string): void {
    if (thread && thread.ownerId !== owner) {
      throw new RunRejectedError('forbidden', 'this thread belongs to another user');
    }
  }

  /**
   * Marks a thread as being read (a resume replay under way) until the returned
   * function is called: retention leaves it alone, so a replay never skips.
   */
  beginRead(threadId: string): () => void {
    return this.#readers.begin(threadId);
  }

  /**
   * Applies the journal's retention limits, sparing threads with a run in
   * progress or a replay under way, and forgets the threads it deleted:
   * continuing one answers not_found.
   */
  async applyRetention(options: RetentionOptions): Promise<RetentionResult> {
    const { journal } = this.#options;
    if (!journal) return { events: 0, bytes: 0, threads: [] };
    const result = await journal.applyRetention(
      options,
      (threadId) => this.#readers.isReading(threadId) || Boolean(this.#threads.peek(threadId)?.activeRun),
    );
    for (const threadId of result.threads) this.#threads.forget(threadId);
    return result;
  }

  /** Refuses new runs, cancels every active one and waits for each to complete. */
  async shutdown(reason: string): Promise<void> {
    this.#shuttingDown = true;
    const runs = [...this.#runs.values()];
    for (const run of runs) run.context.cancel(reason);
    await Promise.all(runs.map((run) => run.done));
  }

  #resolveThread(threadId: string | undefined, owner: string): Thread {
    if (threadId === undefined) return this.#threads.create(owner);
    const thread = this.#threads.get(threadId);
    if (!thread) throw new RunRejectedError('not_found', `thread ${threadId} does not exist`);
    this.#authorize(thread, owner);
    this.#threads.touch(thread);
    if (thread.activeRun) {
      throw new RunRejectedError(
        'thread_busy',
        `thread ${threadId} already has run ${thread.activeRun.runId} in progress`,
      );
    }
    // The next run starts after the last one has ended, even if its end was lost.
    this.#closeLostRun(thread);
    return thread;
  }

  #publish<T extends RunEventType>(thread: Thread, runId: string, type: T, payload: PayloadOf<T>): void {
    const seq = thread.lastSeq + 1;
    const event = { type, threadId: thread.id, runId, seq, ts: this.#now(), payload } as RunEvent;
    thread.lastSeq = seq;
    // Sent only once saved: a client that sees an event can always resume from it.
    this.#options.events.append(event, JSON.stringify(event), thread.ownerId);
  }
}
