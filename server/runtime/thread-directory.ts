/**
 * The threads a RunManager knows: who owns each, its last seq, and its active
 * run. The most recently used are kept in memory; older idle ones are
 * forgotten and revived from the journal when used again.
 */
import { randomUUID } from 'node:crypto';
import type { EventJournal } from '../journal/event-journal';
import type { EventSink } from './event-sink';
import type { RunContext } from './run-context';

/** Idle threads kept for continuation; the least recently used beyond this are forgotten. */
const DEFAULT_MAX_IDLE_THREADS = 10_000;

export interface Thread {
  id: string;
  lastSeq: number;
  /** The user the thread belongs to; undefined only for a thread an older journal recorded without one. */
  ownerId?: string;
  activeRun?: RunContext;
}

export class ThreadDirectory {
  /** Map order is recency order: a used thread moves to the end. */
  readonly #threads = new Map<string, Thread>();

  constructor(
    /** Told of each new thread, before its first event. */
    private readonly events: EventSink,
    /** Where forgotten threads are revived from; none on a cluster node. */
    private readonly journal: EventJournal | undefined,
    /** @default DEFAULT_MAX_IDLE_THREADS (10,000) */
    private readonly maxThreads = DEFAULT_MAX_IDLE_THREADS,
  ) {}

  /** In memory, or journaled (then revived). */
  has(threadId: string): boolean {
    return this.#threads.has(threadId) || (this.journal?.lastSeq(threadId) ?? 0) > 0;
  }

  /** The thread, revived from the journal when it is not in memory; undefined when unknown. */
  get(threadId: string): Thread | undefined {
    return this.#threads.get(threadId) ?? (this.has(threadId) ? this.revive(threadId) : undefined);
  }

  /** A new thread of `owner`'s. */
  create(owner: string): Thread {
    const thread: Thread = { id: randomUUID(), lastSeq: 0, ownerId: owner };
    this.events.recordThread(thread.id, owner);
    this.#remember(thread);
    return thread;
  }

  /** A thread known elsewhere (another node): its owner, and its last seq unless a run is going on here. */
  adopt(threadId: string, ownerId: string | undefined, lastSeq: number): Thread {
    const existing = this.#threads.get(threadId);
    if (existing?.activeRun) return existing;
    const thread: Thread = { id: threadId, lastSeq, ...(ownerId ? { ownerId } : {}) };
    this.#threads.delete(threadId);
    this.#remember(thread);
    return thread;
  }

  /** Marks a thread as just used, so it is forgotten last. */
  touch(thread: Thread): void {
    this.#threads.delete(thread.id);
    this.#threads.set(thread.id, thread);
  }

  /** The thread if it is in memory; never revives one (cheap, for checks on many threads). */
  peek(threadId: string): Thread | undefined {
    return this.#threads.get(threadId);
  }

  /** Drops an idle thread the journal no longer holds. */
  forget(threadId: string): void {
    if (!this.#threads.get(threadId)?.activeRun) this.#threads.delete(threadId);
  }

  /** Brings a journaled thread back into memory, continuing its seq. */
  revive(threadId: string): Thread {
    const existing = this.#threads.get(threadId);
    if (existing) return existing;
    const ownerId = this.journal?.threadOwner(threadId) ?? undefined;
    const thread: Thread = {
      id: threadId,
      lastSeq: this.journal?.lastSeq(threadId) ?? 0,
      ...(ownerId ? { ownerId } : {}),
    };
    this.#remember(thread);
    return thread;
  }

  #remember(thread: Thread): void {
    this.#threads.set(thread.id, thread);
    for (const [id, known] of this.#threads) {
      if (this.#threads.size <= this.maxThreads) return;
      if (!known.activeRun) this.#threads.delete(id);
    }
  }
}
