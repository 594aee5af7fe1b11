/**
 * EventJournal: every run event, committed to SQLite before it is sent, so a
 * client can replay what it missed (resume) and a restart can close the runs it
 * interrupted. Appends are buffered and committed in small transactions, and
 * only committed events are handed to `deliver`: no client ever sees an event
 * the journal could lose. Every read flushes first.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RunEvent } from '../../protocol';

/** Appends committed per transaction at most; a burst flushes early. */
export const DEFAULT_JOURNAL_BATCH_SIZE = 256;
/** Rows per INSERT statement: one call into SQLite for many rows is the cheap part of a commit. */
const ROWS_PER_INSERT = 64;

export interface EventJournalOptions {
  /** SQLite file, or `:memory:`. Parent folders are created. */
  path: string;
  /** Appends per transaction at most. @default DEFAULT_JOURNAL_BATCH_SIZE (256) */
  batchSize?: number;
}

/** A run that has `agent_started` but no `agent_completed` in the journal. */
export interface UnfinishedRun {
  threadId: string;
  runId: string;
  startedAt: number;
  /** Tool calls opened without their `tool_completed`. */
  openToolCalls: { toolCallId: string; toolName: string }[];
}

interface PendingRow {
  threadId: string;
  seq: number;
  runId: string;
  type: string;
  frame: string;
}

export class EventJournal {
  readonly #db: Database.Database;
  readonly #batchSize: number;
  #pending: PendingRow[] = [];
  #flushScheduled = false;
  #deliver: ((threadId: string, frame: string) => void) | undefined;
  #onError: ((error: unknown) => void) | undefined;
  /** INSERT statements by row count, prepared on first use. */
  readonly #inserts = new Map<number, Database.Statement<unknown[]>>();
  readonly #commit: (rows: PendingRow[]) => void;
  readonly #readAfter: Database.Statement<[string, number], { frame: string }>;
  readonly #lastSeq: Database.Statement<[string], { seq: number | null }>;

  constructor(options: EventJournalOptions) {
    if (options.path !== ':memory:') mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
    this.#db = new Database(options.path);
    this.#batchSize = options.batchSize ?? DEFAULT_JOURNAL_BATCH_SIZE;
    this.#db.pragma('journal_mode = WAL');
    // WAL + NORMAL: durable across process crashes; a power cut may lose the last transaction.
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        thread_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        type TEXT NOT NULL,
        frame TEXT NOT NULL,
        PRIMARY KEY (thread_id, seq)
      ) WITHOUT ROWID;
      DROP INDEX IF EXISTS events_by_run; -- a second B-tree on every insert; lookups go by thread instead
      CREATE TABLE IF NOT EXISTS threads (thread_id TEXT PRIMARY KEY, owner_id TEXT) WITHOUT ROWID;
    `);
    this.#commit = this.#db.transaction((rows: PendingRow[]) => {
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        const chunk = rows.slice(start, start + ROWS_PER_INSERT);
        this.#insertStatement(chunk.length).run(
          chunk.flatMap((row) => [row.threadId, row.seq, row.runId, row.type, row.frame]),
        );
      }
    });
    this.#readAfter = this.#db.prepare('SELECT frame FROM events WHERE thread_id = ? AND seq > ? ORDER BY seq');
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

  /** Where committed events go, in order (the notifier); set by the RunManager. */
  onCommitted(deliver: (threadId: string, frame: string) => void, onError?: (error: unknown) => void): void {
    this.#deliver = deliver;
    this.#onError = onError;
  }

  /** Records one event; `frame` is its serialized form, as it will be sent. */
  append(event: RunEvent, frame: string): void {
    this.#pending.push({ threadId: event.threadId, seq: event.seq, runId: event.runId, type: event.type, frame });
    if (this.#pending.length >= this.#batchSize) this.flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => {
        try {
          this.flush();
        } catch (error) {
          this.#onError?.(error);
        }
      });
    }
  }

  /** Commits buffered appends now, then delivers them. A failed commit keeps them pending. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#pending.length === 0) return;
    const rows = this.#pending;
    this.#commit(rows);
    this.#pending = [];
    for (const row of rows) this.#deliver?.(row.threadId, row.frame);
  }

  /** Serialized events of a thread with seq greater than `afterSeq`, in order. */
  framesAfter(threadId: string, afterSeq: number): string[] {
    this.flush();
    return this.#readAfter.all(threadId, afterSeq).map((row) => row.frame);
  }

  /** Records who owns a new thread. */
  recordThread(threadId: string, ownerId: string | undefined): void {
    this.#db
      .prepare('INSERT OR IGNORE INTO threads (thread_id, owner_id) VALUES (?, ?)')
      .run(threadId, ownerId ?? null);
  }

  /** The thread's owner: a user id, null for an unowned thread, undefined for an unknown one. */
  threadOwner(threadId: string): string | null | undefined {
    const row = this.#db
      .prepare<[string], { owner_id: string | null }>('SELECT owner_id FROM threads WHERE thread_id = ?')
      .get(threadId);
    return row ? row.owner_id : undefined;
  }

  /** Highest seq journaled for the thread; 0 when the thread is unknown. */
  lastSeq(threadId: string): number {
    this.flush();
    return this.#lastSeq.get(threadId)?.seq ?? 0;
  }

  /** Runs left open, e.g. by a crash or restart. */
  unfinishedRuns(): UnfinishedRun[] {
    this.flush();
    const runs = this.#db
      .prepare<[], { run_id: string; thread_id: string; frame: string }>(
        `SELECT run_id, thread_id, frame FROM events e WHERE type = 'agent_started'
           AND NOT EXISTS (SELECT 1 FROM events c
                           WHERE c.thread_id = e.thread_id AND c.run_id = e.run_id AND c.type = 'agent_completed')`,
      )
      .all();
    const toolEvents = this.#db.prepare<[string, string], { type: string; frame: string }>(
      `SELECT type, frame FROM events
        WHERE thread_id = ? AND run_id = ? AND type IN ('tool_executing', 'tool_completed') ORDER BY seq`,
    );
    return runs.map((run) => {
      const open = new Map<string, string>();
      for (const row of toolEvents.all(run.thread_id, run.run_id)) {
        const { payload } = JSON.parse(row.frame) as { payload: { toolCallId: string; toolName: string } };
        if (row.type === 'tool_executing') open.set(payload.toolCallId, payload.toolName);
        else open.delete(payload.toolCallId);
      }
      const started = JSON.parse(run.frame) as { ts: number };
      return {
        threadId: run.thread_id,
        runId: run.run_id,
        startedAt: started.ts,
        openToolCalls: [...open].map(([toolCallId, toolName]) => ({ toolCallId, toolName })),
      };
    });
  }

  close(): void {
    try {
      this.flush();
    } finally {
      this.#db.close();
    }
  }
}
