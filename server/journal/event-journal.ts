/**
 * EventJournal: every run event, committed to SQLite before it is sent, so a
 * client can replay what it missed (resume) and a restart can close the runs it
 * interrupted. Appends are buffered and committed in small transactions, and
 * only committed events are handed to `deliver`: no client ever sees an event
 * the journal could lose. Commits never run on the caller's stack: an append
 * only schedules one. A failed commit (e.g. a full disk) keeps the rows pending
 * and retries them with backoff, emitting `writeFailed` and `writeRecovered`
 * as the journal stops and starts writing again; reads never fail because of it.
 */

import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { RunEvent } from '../../protocol';
import { describeWriteError, openJournalDatabase } from './journal-database';
import { applyRetention, type IsBusy, type RetentionOptions, type RetentionResult } from './retention';
import { listThreads, type ThreadSummary } from './thread-list';
import { findUnfinishedRunOf, findUnfinishedRuns, type JournalRow, type UnfinishedRun } from './unfinished-runs';

export type { IsBusy, RetentionOptions, RetentionResult } from './retention';
export type { ThreadSummary } from './thread-list';
export type { UnfinishedRun } from './unfinished-runs';

/** Appends that make a commit come sooner: on the next microtask instead of the next turn of the event loop. */
const DEFAULT_JOURNAL_BATCH_SIZE = 256;
/** First retry after a failed commit; each further failure doubles the wait. */
const DEFAULT_JOURNAL_RETRY_MIN_MS = 250;
/** Longest wait between two retries of a failed commit. */
const DEFAULT_JOURNAL_RETRY_MAX_MS = 5_000;
/** Rows per INSERT statement: one call into SQLite for many rows is the cheap part of a commit. */
const ROWS_PER_INSERT = 64;

export interface EventJournalOptions {
  /** SQLite file, or `:memory:`. Parent folders are created. */
  path: string;
  /** An open database to use instead of opening `path` (tests inject SQLite errors through it). */
  database?: Database.Database;
  /** Where committed events go, in commit order (the server's notifier). @default none */
  deliver?: (threadId: string, frame: string) => void;
  /** Pending appends that bring the commit forward to the next microtask. @default DEFAULT_JOURNAL_BATCH_SIZE (256) */
  batchSize?: number;
  /** First retry after a failed commit, doubling per failure. @default DEFAULT_JOURNAL_RETRY_MIN_MS (250 ms) */
  retryMinMs?: number;
  /** Cap of the retry backoff. @default DEFAULT_JOURNAL_RETRY_MAX_MS (5 s) */
  retryMaxMs?: number;
  /** Epoch ms clock: when a thread was last used, for age-based retention. @default Date.now */
  now?: () => number;
}

/** Why the journal cannot write. */
export interface JournalWriteFailure {
  /** For operators: the SQLite code and message, e.g. `SQLITE_FULL: database or disk is full`. */
  reason: string;
  /** For users: what went wrong in plain words, e.g. `the disk is full`. */
  cause: string;
  /** Failed commits in a row (1 for the first of an outage). */
  attempt: number;
  /** When the next retry runs. */
  retryInMs: number;
}

/** What the journal reports besides its events (EventEmitter events). */
export interface JournalEvents {
  /** A commit failed; its rows stay pending and are retried. Emitted on every failed attempt. */
  writeFailed: [failure: JournalWriteFailure];
  /** A commit succeeded after failures: everything pending has been committed and delivered. */
  writeRecovered: [];
  /**
   * Code the journal calls threw: `deliver` for a committed event, or a
   * listener of writeFailed / writeRecovered (a bug there); the journal itself is fine.
   */
  listenerFailed: [error: unknown];
}

interface PendingThread {
  threadId: string;
  ownerId: string | null;
}

export class EventJournal extends EventEmitter<JournalEvents> {
  readonly #db: Database.Database;
  readonly #batchSize: number;
  readonly #retryMinMs: number;
  readonly #retryMaxMs: number;
  readonly #now: () => number;
  /**
   * Appended, not yet committed. During an outage this only holds what the runs
   * active when it began still emit: the RunManager fails them at once (they end
   * within a tick or two, their tools aborted) and refuses new runs until a
   * retry commits, so the buffer stops growing instead of filling memory.
   */
  #pending: JournalRow[] = [];
  /** Thread owners, committed in the same transaction as the events, so a full disk cannot half-record a thread. */
  #pendingThreads: PendingThread[] = [];
  #flushScheduled = false;
  #urgentFlushScheduled = false;
  readonly #deliver: (threadId: string, frame: string) => void;
  #failure: JournalWriteFailure | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** INSERT statements by row count, prepared on first use. */
  readonly #inserts = new Map<number, Database.Statement<unknown[]>>();
  readonly #commit: (threads: PendingThread[], rows: JournalRow[]) => void;
  readonly #readAfter: Database.Statement<[string, number, number], { frame: string }>;
  readonly #lastSeq: Database.Statement<[string], { seq: number | null }>;

  constructor(options: EventJournalOptions) {
    super();
    this.#deliver = options.deliver ?? (() => {});
    this.#now = options.now ?? Date.now;
    this.#db = openJournalDatabase(options, this.#now());
    this.#batchSize = options.batchSize ?? DEFAULT_JOURNAL_BATCH_SIZE;
    this.#retryMinMs = options.retryMinMs ?? DEFAULT_JOURNAL_RETRY_MIN_MS;
    this.#retryMaxMs = Math.max(this.#retryMinMs, options.retryMaxMs ?? DEFAULT_JOURNAL_RETRY_MAX_MS);
    const insertThread = this.#db.prepare(
      'INSERT OR IGNORE INTO threads (thread_id, owner_id, updated_at) VALUES (?, ?, ?)',
    );
    const countRows = this.#db.prepare(
      'UPDATE threads SET event_count = event_count + ?, bytes = bytes + ?, updated_at = ? WHERE thread_id = ?',
    );
    this.#commit = this.#db.transaction((threads: PendingThread[], rows: JournalRow[]) => {
      const now = this.#now();
      for (const thread of threads) insertThread.run(thread.threadId, thread.ownerId, now);
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        const chunk = rows.slice(start, start + ROWS_PER_INSERT);
        this.#insertStatement(chunk.length).run(
          chunk.flatMap((row) => [row.threadId, row.seq, row.runId, row.type, row.frame]),
        );
      }
      for (const [threadId, added] of sizeByThread(rows)) countRows.run(added.events, added.bytes, now, threadId);
    });
    this.#readAfter = this.#db.prepare('SELECT frame FROM events WHERE thread_id = ? AND seq > ? ORDER BY seq LIMIT ?');
    this.#lastSeq = this.#db.prepare('SELECT MAX(seq) AS seq FROM events WHERE thread_id = ?');
  }

  #insertStatement(rows: number): Database.Statement<unknown[]> {
    let statement = this.#inserts.get(rows);
    if (!statement) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ');
      statement = this.#db.prepare(`INSERT INTO events (thread_id, seq, run_id, type, frame) VALUES ${values}`);
      this.#inserts.set(rows, statement);
    }
    return statement;
  }

  /** Why the journal cannot write now; undefined while it can. */
  get writeFailure(): JournalWriteFailure | undefined {
    return this.#failure;
  }

  /** Records one event; `frame` is its serialized form, as it will be sent. Never throws for a failed write. */
  append(event: RunEvent, frame: string): void {
    this.#pending.push({ threadId: event.threadId, seq: event.seq, runId: event.runId, type: event.type, frame });
    this.#scheduleFlush();
  }

  /** Records who owns a new thread; committed with the next batch of events. */
  recordThread(threadId: string, ownerId: string | undefined): void {
    this.#pendingThreads.push({ threadId, ownerId: ownerId ?? null });
    this.#scheduleFlush();
  }

  /** Why new runs cannot be saved now, for users; undefined while the journal writes. */
  unavailable(): string | undefined {
    return this.#failure && `the server cannot save new runs right now (${this.#failure.cause})`;
  }

  // Never commits here: a SQLite error or a subscriber's throw must not surface inside the run that appended.
  #scheduleFlush(): void {
    if (this.#failure) return; // the retry timer commits it, with backoff
    if (this.#pending.length >= this.#batchSize && !this.#urgentFlushScheduled) {
      this.#urgentFlushScheduled = true;
      queueMicrotask(() => {
        this.#urgentFlushScheduled = false;
        this.#flushReporting();
      });
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        this.#flushReporting();
      });
    }
  }

  /**
   * Commits buffered appends now, then delivers them. A failed commit keeps
   * them pending and schedules a retry. Returns whether nothing is left pending.
   */
  flush(): boolean {
    if (this.#pending.length === 0 && this.#pendingThreads.length === 0) return true;
    const rows = this.#pending;
    try {
      this.#commit(this.#pendingThreads, rows);
    } catch (error) {
      this.#failed(error);
      return false;
    }
    this.#pending = [];
    this.#pendingThreads = [];
    const recovered = this.#failure !== undefined;
    this.#failure = undefined;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    for (const row of rows) this.#deliverOne(row);
    if (recovered) this.emit('writeRecovered');
    return true;
  }

  // One subscriber's throw must not keep the events after it from everyone else.
  #deliverOne(row: JournalRow): void {
    try {
      this.#deliver(row.threadId, row.frame);
    } catch (error) {
      this.emit('listenerFailed', error);
    }
  }

  #flushReporting(): void {
    try {
      this.flush();
    } catch (error) {
      this.emit('listenerFailed', error);
    }
  }

  #failed(error: unknown): void {
    const attempt = (this.#failure?.attempt ?? 0) + 1;
    const retryInMs = Math.min(this.#retryMaxMs, this.#retryMinMs * 2 ** Math.min(attempt - 1, 30));
    this.#failure = { ...describeWriteError(error), attempt, retryInMs };
    clearTimeout(this.#retryTimer);
    if (!this.#closed) {
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        this.#flushReporting();
      }, retryInMs);
    }
    this.emit('writeFailed', this.#failure);
  }

  /** Runs with events not yet committed: what a failed write holds back. */
  pendingRuns(): { threadId: string; runId: string }[] {
    const runs = new Map<string, { threadId: string; runId: string }>();
    for (const { threadId, runId } of this.#pending) runs.set(runId, { threadId, runId });
    return [...runs.values()];
  }

  /**
   * Committed events of a thread with seq greater than `afterSeq`, in order.
   * Pending appends are committed first while the journal can write; during an
   * outage they are left out, and reach the thread's subscribers once a retry
   * commits them, so a caller that subscribes in the same synchronous step
   * (resume) gets each exactly once either way.
   */
  framesAfter(threadId: string, afterSeq: number, limit?: number): string[] {
    this.#flushUnlessFailing();
    // SQLite reads LIMIT -1 as no limit.
    return this.#readAfter.all(threadId, afterSeq, limit ?? -1).map((row) => row.frame);
  }

  /** The thread's owner: a user id, null for an unowned thread, undefined for an unknown one. */
  threadOwner(threadId: string): string | null | undefined {
    const pending = this.#pendingThreads.find((thread) => thread.threadId === threadId);
    if (pending) return pending.ownerId;
    const row = this.#db
      .prepare<[string], { owner_id: string | null }>('SELECT owner_id FROM threads WHERE thread_id = ?')
      .get(threadId);
    return row ? row.owner_id : undefined;
  }

  /** The owner's threads that hold a run, newest first; pending events are committed first while it can write. */
  threadsOf(ownerId: string, limit?: number): ThreadSummary[] {
    this.#flushUnlessFailing();
    return listThreads(this.#db, ownerId, limit);
  }

  /** Highest seq journaled for the thread, pending included (a revived thread must not reuse one); 0 when unknown. */
  lastSeq(threadId: string): number {
    let last = this.#lastSeq.get(threadId)?.seq ?? 0;
    for (const row of this.#pending) if (row.threadId === threadId && row.seq > last) last = row.seq;
    return last;
  }

  /** Runs left open, e.g. by a crash or restart; pending events count as journaled. */
  unfinishedRuns(): UnfinishedRun[] {
    this.#flushUnlessFailing();
    return findUnfinishedRuns(this.#db, this.#pending);
  }

  /**
   * The thread's last run, when the journal holds it open; undefined when it
   * ended, or while the journal cannot write (nothing is judged lost then).
   */
  unfinishedRunOf(threadId: string): UnfinishedRun | undefined {
    // During an outage a read must not become a write attempt: only the retry timer writes, with backoff.
    if (this.#failure) return undefined;
    return this.flush() ? findUnfinishedRunOf(this.#db, threadId) : undefined;
  }

  /** Reads commit first while the journal can write; during an outage they read what is committed. */
  #flushUnlessFailing(): void {
    if (!this.#failure) this.flush();
  }

  /**
   * Deletes what the retention limits say to forget (see retention.ts), in
   * small steps, never a thread that is busy when its step comes. Skipped
   * while the journal cannot write.
   */
  async applyRetention(options: RetentionOptions, isBusy: IsBusy): Promise<RetentionResult> {
    if (this.#failure || !this.flush()) return { events: 0, bytes: 0, threads: [] };
    return applyRetention(this.#db, options, this.#now(), isBusy);
  }

  /** Commits what is pending and closes the database; throws if some events could not be saved. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    let unsaved = 0;
    try {
      if (!this.flush()) unsaved = this.#pending.length;
    } finally {
      this.#db.close();
    }
    if (unsaved > 0) {
      throw new Error(`journal closed with ${unsaved} unsaved event(s): ${this.#failure?.reason ?? 'unknown error'}`);
    }
  }
}

/** Events and bytes (UTF-8) a batch adds to each thread. */
function sizeByThread(rows: readonly JournalRow[]): Map<string, { events: number; bytes: number }> {
  const sizes = new Map<string, { events: number; bytes: number }>();
  for (const row of rows) {
    const size = sizes.get(row.threadId) ?? { events: 0, bytes: 0 };
    size.events += 1;
    size.bytes += Buffer.byteLength(row.frame);
    sizes.set(row.threadId, size);
  }
  return sizes;
}
