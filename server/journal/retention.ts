/**
 * Journal retention: what the journal forgets so that it cannot grow without
 * end. Each thread keeps its newest events (its oldest finished runs go, whole,
 * never its newest run); the journal as a whole keeps its most recently used
 * threads within a size; threads unused for longer than an age go entirely.
 * A thread's size, event count and last use live on its `threads` row, kept up
 * to date by each commit, so a pass never scans the events table.
 */
import type Database from 'better-sqlite3';

/** Events one thread keeps; beyond it, its oldest finished runs are deleted. */
const DEFAULT_MAX_THREAD_EVENTS = 100_000;
/** Bytes of events the whole journal keeps; beyond it, the least recently used threads are deleted. */
const DEFAULT_MAX_JOURNAL_BYTES = 1024 * 1024 * 1024;
/** Days after its last event that a thread is deleted. */
const DEFAULT_MAX_THREAD_AGE_DAYS = 30;
/** How often retention runs (it also runs at start). */
export const DEFAULT_RETENTION_INTERVAL_MS = 10 * 60 * 1000;
/** Threads deleted per statement: a pass never holds the event loop for one huge delete. */
const THREADS_PER_STEP = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  /** @default DEFAULT_MAX_THREAD_EVENTS (100,000) */
  maxThreadEvents?: number;
  /** Sizes in bytes (UTF-8 of the frames). @default DEFAULT_MAX_JOURNAL_BYTES (1 GiB) */
  maxBytes?: number;
  /** @default DEFAULT_MAX_THREAD_AGE_DAYS (30) */
  maxAgeDays?: number;
}

export interface RetentionResult {
  /** Events deleted, whole threads included. */
  events: number;
  bytes: number;
  /** Threads deleted whole (too old, or the least recently used over the size cap). */
  threads: string[];
}

/** Adds the bookkeeping columns to a journal made before retention existed, counting what it holds. */
export function migrateThreadStats(db: Database.Database, now: number): void {
  const columns = new Set(
    db
      .prepare<[], { name: string }>('PRAGMA table_info(threads)')
      .all()
      .map((c) => c.name),
  );
  if (columns.has('updated_at')) return;
  db.transaction(() => {
    db.exec(`
      ALTER TABLE threads ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE threads ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE threads ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
      -- Journals older than the threads table have events without a row: count them too (unowned).
      INSERT OR IGNORE INTO threads (thread_id, owner_id) SELECT DISTINCT thread_id, NULL FROM events;
    `);
    // Last used: the time of the thread's last event, so old threads keep their age.
    db.prepare(
      `UPDATE threads SET
         updated_at = COALESCE((SELECT json_extract(frame, '$.ts') FROM events e
           WHERE e.thread_id = threads.thread_id ORDER BY seq DESC LIMIT 1), ?),
         event_count = (SELECT COUNT(*) FROM events e WHERE e.thread_id = threads.thread_id),
         bytes = (SELECT COALESCE(SUM(length(CAST(frame AS BLOB))), 0) FROM events e WHERE e.thread_id = threads.thread_id)`,
    ).run(now);
  })();
  db.exec('CREATE INDEX IF NOT EXISTS threads_by_use ON threads (updated_at)');
}

/** Whether a thread is in use now (a run in progress, a replay under way): asked right before each step. */
export type IsBusy = (threadId: string) => boolean;

/**
 * Applies every limit once. Each step is one small transaction, and the event
 * loop runs between steps, so a big pass never stalls the server; a thread
 * that is busy when its step comes is left alone.
 */
export async function applyRetention(
  db: Database.Database,
  options: RetentionOptions,
  now: number,
  isBusy: IsBusy,
): Promise<RetentionResult> {
  const result: RetentionResult = { events: 0, bytes: 0, threads: [] };
  const maxAgeDays = options.maxAgeDays ?? DEFAULT_MAX_THREAD_AGE_DAYS;
  const cutoff = now - maxAgeDays * DAY_MS;
  const old = db
    .prepare<[number], { thread_id: string }>(
      'SELECT thread_id FROM threads WHERE updated_at < ? ORDER BY updated_at, thread_id',
    )
    .all(cutoff)
    .map((row) => row.thread_id);
  await deleteThreads(db, old, isBusy, result, cutoff);
  await trimThreads(db, options.maxThreadEvents ?? DEFAULT_MAX_THREAD_EVENTS, isBusy, result);
  await shrinkToSize(db, options.maxBytes ?? DEFAULT_MAX_JOURNAL_BYTES, isBusy, result);
  return result;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Deletes threads whole; with `usedBefore`, only those still unused since then (one may have been used meanwhile). */
async function deleteThreads(
  db: Database.Database,
  ids: readonly string[],
  isBusy: IsBusy,
  result: RetentionResult,
  usedBefore = Number.POSITIVE_INFINITY,
) {
  const stats = db.prepare<[string], { event_count: number; bytes: number; updated_at: number }>(
    'SELECT event_count, bytes, updated_at FROM threads WHERE thread_id = ?',
  );
  const dropEvents = db.prepare('DELETE FROM events WHERE thread_id = ?');
  const dropThread = db.prepare('DELETE FROM threads WHERE thread_id = ?');
  for (let start = 0; start < ids.length; start += THREADS_PER_STEP) {
    if (start > 0) await nextTurn();
    db.transaction((step: readonly string[]) => {
      for (const id of step) {
        const row = stats.get(id);
        if (!row || isBusy(id) || row.updated_at >= usedBefore) continue;
        dropEvents.run(id);
        dropThread.run(id);
        result.events += row.event_count;
        result.bytes += row.bytes;
        result.threads.push(id);
      }
    })(ids.slice(start, start + THREADS_PER_STEP));
  }
}

/** Deletes each long thread's oldest finished runs, whole, until it is within `maxEvents`; its newest run stays. */
async function trimThreads(db: Database.Database, maxEvents: number, isBusy: IsBusy, result: RetentionResult) {
  const long = db
    .prepare<[number], { thread_id: string; event_count: number }>(
      'SELECT thread_id, event_count FROM threads WHERE event_count > ?',
    )
    .all(maxEvents);
  const nthSeq = db.prepare<[string, number], { seq: number }>(
    'SELECT seq FROM events WHERE thread_id = ? ORDER BY seq LIMIT 1 OFFSET ?',
  );
  // Ends of runs that are not the thread's newest: cutting after one never splits a run.
  const runEnds = db.prepare<[string, string], { seq: number }>(
    `SELECT seq FROM events WHERE thread_id = ? AND type = 'agent_completed'
       AND seq < (SELECT MAX(seq) FROM events WHERE thread_id = ?) ORDER BY seq`,
  );
  const measure = db.prepare<[string, number], { events: number; bytes: number | null }>(
    'SELECT COUNT(*) AS events, SUM(length(CAST(frame AS BLOB))) AS bytes FROM events WHERE thread_id = ? AND seq <= ?',
  );
  const cut = db.prepare('DELETE FROM events WHERE thread_id = ? AND seq <= ?');
  const account = db.prepare('UPDATE threads SET event_count = event_count - ?, bytes = bytes - ? WHERE thread_id = ?');
  for (const { thread_id: id, event_count: count } of long) {
    await nextTurn();
    if (isBusy(id)) continue;
    const target = nthSeq.get(id, count - maxEvents - 1)?.seq;
    const ends = runEnds.all(id, id).map((row) => row.seq);
    const end = ends.find((seq) => target !== undefined && seq >= target) ?? ends.at(-1);
    if (end === undefined) continue;
    db.transaction(() => {
      const gone = measure.get(id, end) ?? { events: 0, bytes: 0 };
      cut.run(id, end);
      account.run(gone.events, gone.bytes ?? 0, id);
      result.events += gone.events;
      result.bytes += gone.bytes ?? 0;
    })();
  }
}

/** Deletes the least recently used threads until the journal is within `maxBytes`. */
async function shrinkToSize(db: Database.Database, maxBytes: number, isBusy: IsBusy, result: RetentionResult) {
  const total = db.prepare<[], { bytes: number | null }>('SELECT SUM(bytes) AS bytes FROM threads');
  const oldest = db.prepare<[number], { thread_id: string; bytes: number }>(
    'SELECT thread_id, bytes FROM threads ORDER BY updated_at LIMIT ?',
  );
  const skipped = new Set<string>();
  for (let excess = (total.get()?.bytes ?? 0) - maxBytes; excess > 0; excess = (total.get()?.bytes ?? 0) - maxBytes) {
    await nextTurn();
    const victims: string[] = [];
    let freed = 0;
    for (const row of oldest.all(THREADS_PER_STEP + skipped.size)) {
      if (skipped.has(row.thread_id)) continue;
      if (isBusy(row.thread_id)) {
        skipped.add(row.thread_id);
        continue;
      }
      victims.push(row.thread_id);
      freed += row.bytes;
      if (freed >= excess || victims.length === THREADS_PER_STEP) break;
    }
    if (victims.length === 0) return;
    const before = result.threads.length;
    await deleteThreads(db, victims, isBusy, result);
    if (result.threads.length === before) return; // every victim became busy: next pass
  }
}
