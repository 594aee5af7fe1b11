/**
 * RunManager: owns threads and their runs. It numbers each thread's events
 * (seq), stamps them, hands them to the notifier, and cancels runs on request.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ErrorCode, PayloadOf, RunEvent, RunEventType } from '../../protocol';
import { createFaultFilter, FaultPlanError, parseFaultPrefix } from '../faults/fault-plan';
import type { EventJournal } from '../journal/event-journal';
import type { AgentRegistry } from './agent-registry';
import type { ThreadNotifier } from './notifier';
import { RunContext, type RunSummary } from './run-context';
import type { ToolDispatcher } from './tool-dispatcher';

/** Runs one owner (a connection, later a user) may have in progress at once. */
export const DEFAULT_MAX_CONCURRENT_RUNS = 4;

/** Idle threads kept for continuation; the least recently used beyond this are forgotten. */
export const DEFAULT_MAX_IDLE_THREADS = 10_000;

export interface RunManagerOptions {
  registry: AgentRegistry;
  dispatcher: ToolDispatcher;
  notifier: ThreadNotifier;
  logger: Logger;
  /** Where events are recorded for resume; without it, threads live in memory only. */
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
  /** Silence after which a run sends a keep-alive. @default DEFAULT_RUN_KEEPALIVE_MS (2 s) */
  keepAliveMs?: number;
  /** Honour `/fault …;` prefixes that break a run's stream on purpose (AGENT_FAULTS=1). @default false */
  faults?: boolean;
}

export interface RunRequest {
  /** Continue this thread; a new thread is created when absent. */
  threadId?: string;
  text: string;
  /** Who asked (a connection or user id): concurrent runs are capped per owner. */
  owner?: string;
}

export interface AcceptedRun {
  threadId: string;
  runId: string;
}

export interface StartedRun extends AcceptedRun {
  /** Settles once `agent_completed` has been published. */
  done: Promise<RunSummary>;
}

/** A request the manager refuses; `code` is the protocol error code to answer with. */
export class RunRejectedError extends Error {
  constructor(
    readonly code: Extract<
      ErrorCode,
      'not_found' | 'thread_busy' | 'unavailable' | 'rate_limited' | 'forbidden' | 'invalid_message'
    >,
    message: string,
  ) {
    super(message);
    this.name = 'RunRejectedError';
  }
}

interface Thread {
  id: string;
  lastSeq: number;
  /** The user the thread belongs to; undefined for threads started without one. */
  ownerId?: string;
  activeRun?: RunContext;
}

export class RunManager {
  readonly #options: RunManagerOptions;
  readonly #now: () => number;
  readonly #threads = new Map<string, Thread>();
  readonly #runs = new Map<string, { context: RunContext; done: Promise<RunSummary> }>();
  readonly #activeByOwner = new Map<string, number>();
  /** Per-run stream filters of runs started with `/fault`. */
  readonly #faults = new Map<string, { filter: (event: RunEvent) => RunEvent[]; delayMs: number }>();
  #shuttingDown = false;

  constructor(options: RunManagerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    options.journal?.onCommitted(
      (threadId, frame) => options.notifier.publish(threadId, frame),
      (error) => options.logger.error({ err: error }, 'journal commit failed; events held back'),
    );
  }

  get activeRunCount(): number {
    return this.#runs.size;
  }

  hasThread(threadId: string): boolean {
    return this.#threads.has(threadId) || (this.#options.journal?.lastSeq(threadId) ?? 0) > 0;
  }

  /** Serialized events of a thread after `afterSeq`, from the journal. */
  framesAfter(threadId: string, afterSeq: number): string[] {
    return this.#options.journal?.framesAfter(threadId, afterSeq) ?? [];
  }

  /**
   * Closes runs a previous process left open: their open tool calls complete as
   * errors, then the run completes as `interrupted`. Call once at startup.
   */
  interruptUnfinishedRuns(): number {
    const unfinished = this.#options.journal?.unfinishedRuns() ?? [];
    for (const run of unfinished) {
      const thread = this.#revive(run.threadId);
      const durationMs = Math.max(0, this.#now() - run.startedAt);
      for (const { toolCallId, toolName } of run.openToolCalls) {
        const error = 'interrupted: the server restarted';
        this.#publish(thread, run.runId, 'tool_completed', {
          toolCallId,
          toolName,
          status: 'error',
          error,
          durationMs,
        });
      }
      this.#publish(thread, run.runId, 'agent_completed', {
        status: 'interrupted',
        error: 'the server restarted before the run finished',
        durationMs,
      });
      this.#options.logger.warn({ threadId: run.threadId, runId: run.runId }, 'closed a run interrupted by a restart');
    }
    return unfinished.length;
  }

  /**
   * Starts a run. `onAccepted` is called before the first event is published,
   * so a caller can subscribe to the thread and acknowledge the message first.
   */
  startRun(request: RunRequest, onAccepted?: (accepted: AcceptedRun) => void): StartedRun {
    if (this.#shuttingDown) throw new RunRejectedError('unavailable', 'the server is shutting down');
    const { owner } = request;
    const maxRuns = this.#options.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS;
    if (owner !== undefined && (this.#activeByOwner.get(owner) ?? 0) >= maxRuns) {
      throw new RunRejectedError('rate_limited', `at most ${maxRuns} runs may be in progress at once`);
    }
    const thread = this.#resolveThread(request.threadId, owner);
    let text = request.text;
    let fault: ReturnType<typeof parseFaultPrefix>;
    try {
      fault = this.#options.faults ? parseFaultPrefix(text) : undefined;
    } catch (error) {
      if (error instanceof FaultPlanError) throw new RunRejectedError('invalid_message', error.message);
      throw error;
    }
    if (fault) text = fault.rest;
    const { agent, input } = this.#options.registry.route(text);
    const runId = randomUUID();
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
    if (fault) this.#faults.set(runId, { filter: createFaultFilter(fault.plan), delayMs: fault.plan.delayMs ?? 0 });
    if (owner !== undefined) this.#activeByOwner.set(owner, (this.#activeByOwner.get(owner) ?? 0) + 1);
    const log = this.#options.logger.child({ threadId: thread.id, runId });
    log.info({ agent: agent.name }, 'run started');

    onAccepted?.({ threadId: thread.id, runId });
    const done = context.execute(agent).finally(() => {
      this.#runs.delete(runId);
      if (thread.activeRun === context) thread.activeRun = undefined;
      if (owner !== undefined) this.#releaseOwnerSlot(owner);
      this.#faults.delete(runId);
    });
    this.#runs.set(runId, { context, done });
    void done.then((summary) => {
      const level = summary.status === 'failed' ? 'warn' : 'info';
      log[level]({ status: summary.status, durationMs: summary.durationMs, error: summary.error }, 'run completed');
    });
    return { threadId: thread.id, runId, done };
  }

  /** Cancels a running run of `owner`'s; throws RunRejectedError (not_found, forbidden) otherwise. */
  cancel(runId: string, owner?: string): void {
    const run = this.#runs.get(runId);
    if (!run) throw new RunRejectedError('not_found', `run ${runId} is not running`);
    this.#authorize(this.#threads.get(run.context.threadId), owner);
    run.context.cancel();
  }

  /** Checks that `owner` may read a thread; throws RunRejectedError (not_found, forbidden) otherwise. */
  authorizeThread(threadId: string, owner?: string): void {
    const thread = this.#threads.get(threadId) ?? (this.hasThread(threadId) ? this.#revive(threadId) : undefined);
    if (!thread) throw new RunRejectedError('not_found', `thread ${threadId} does not exist`);
    this.#authorize(thread, owner);
  }

  #authorize(thread: Thread | undefined, owner: string | undefined): void {
    // A signed-in user may use only its own threads; unowned ones (from tests without users) stay unowned.
    const allowed = owner !== undefined ? thread?.ownerId === owner : thread?.ownerId === undefined;
    if (thread && !allowed) {
      throw new RunRejectedError('forbidden', 'this thread belongs to another user');
    }
  }

  /** Refuses new runs, cancels every active one and waits for each to complete. */
  async shutdown(reason: string): Promise<void> {
    this.#shuttingDown = true;
    const runs = [...this.#runs.values()];
    for (const run of runs) run.context.cancel(reason);
    await Promise.all(runs.map((run) => run.done));
  }

  #resolveThread(threadId: string | undefined, owner: string | undefined): Thread {
    if (threadId === undefined) {
      const thread: Thread = { id: randomUUID(), lastSeq: 0, ...(owner !== undefined ? { ownerId: owner } : {}) };
      this.#options.journal?.recordThread(thread.id, owner);
      this.#threads.set(thread.id, thread);
      this.#forgetIdleThreads();
      return thread;
    }
    const thread = this.#threads.get(threadId) ?? (this.hasThread(threadId) ? this.#revive(threadId) : undefined);
    if (!thread) throw new RunRejectedError('not_found', `thread ${threadId} does not exist`);
    this.#authorize(thread, owner);
    // Map order is recency order: move the thread to the end.
    this.#threads.delete(threadId);
    this.#threads.set(threadId, thread);
    if (thread.activeRun) {
      throw new RunRejectedError(
        'thread_busy',
        `thread ${threadId} already has run ${thread.activeRun.runId} in progress`,
      );
    }
    return thread;
  }

  /** Brings a journaled thread back into memory, continuing its seq. */
  #revive(threadId: string): Thread {
    const existing = this.#threads.get(threadId);
    if (existing) return existing;
    const ownerId = this.#options.journal?.threadOwner(threadId) ?? undefined;
    const thread: Thread = {
      id: threadId,
      lastSeq: this.#options.journal?.lastSeq(threadId) ?? 0,
      ...(ownerId ? { ownerId } : {}),
    };
    this.#threads.set(threadId, thread);
    this.#forgetIdleThreads();
    return thread;
  }

  #releaseOwnerSlot(owner: string): void {
    const remaining = (this.#activeByOwner.get(owner) ?? 1) - 1;
    if (remaining > 0) this.#activeByOwner.set(owner, remaining);
    else this.#activeByOwner.delete(owner);
  }

  #forgetIdleThreads(): void {
    const max = this.#options.maxThreads ?? DEFAULT_MAX_IDLE_THREADS;
    for (const [id, thread] of this.#threads) {
      if (this.#threads.size <= max) return;
      if (!thread.activeRun) this.#threads.delete(id);
    }
  }

  #publish<T extends RunEventType>(thread: Thread, runId: string, type: T, payload: PayloadOf<T>): void {
    const seq = thread.lastSeq + 1;
    const event = { type, threadId: thread.id, runId, seq, ts: this.#now(), payload } as RunEvent;
    thread.lastSeq = seq;
    const fault = this.#faults.get(runId);
    if (!fault) {
      this.#deliver(event);
      return;
    }
    for (const faulty of fault.filter(event)) {
      if (fault.delayMs > 0) setTimeout(() => this.#deliver(faulty), fault.delayMs);
      else this.#deliver(faulty);
    }
  }

  #deliver(event: RunEvent): void {
    const frame = JSON.stringify(event);
    // With a journal, the frame is sent once committed: a client that sees an event can always resume from it.
    const { journal, notifier } = this.#options;
    if (journal) journal.append(event, frame);
    else notifier.publish(event.threadId, frame);
  }
}
