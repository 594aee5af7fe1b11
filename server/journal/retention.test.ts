import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol';
import { EventJournal } from './event-journal';

const DAY = 24 * 60 * 60 * 1000;

/** A journal whose clock the test sets, with helpers that write whole runs. */
function journalAt(start = 0) {
  const clock = { now: start };
  const journal = new EventJournal({ path: ':memory:', now: () => clock.now });
  const lastSeq = new Map<string, number>();
  /** Appends one finished run of `events` events (started, deltas, completed) to `threadId`. */
  const run = (threadId: string, events: number, options: { finished?: boolean } = {}) => {
    if (!lastSeq.has(threadId)) journal.recordThread(threadId, 'u-1');
    const runId = `${threadId}-r${lastSeq.get(threadId) ?? 0}`;
    for (let i = 1; i <= events; i += 1) {
      const seq = (lastSeq.get(threadId) ?? 0) + 1;
      lastSeq.set(threadId, seq);
      const finished = options.finished ?? true;
      const type = i === 1 ? 'agent_started' : i === events && finished ? 'agent_completed' : 'partial_result';
      const event = { type, threadId, runId, seq, ts: clock.now, payload: { delta: 'x'.repeat(20) } } as RunEvent;
      journal.append(event, JSON.stringify(event));
    }
    journal.flush();
  };
  const seqs = (threadId: string) => journal.framesAfter(threadId, 0).map((f) => (JSON.parse(f) as RunEvent).seq);
  return { journal, clock, run, seqs };
}

const none = () => false;
const busyOnly =
  (...ids: string[]) =>
  (threadId: string) =>
    ids.includes(threadId);

describe('journal retention', () => {
  it("trims a long thread's oldest finished runs whole, down to its limit", async () => {
    const { journal, run, seqs } = journalAt();
    for (let i = 0; i < 3; i += 1) run('t', 10);
    const result = await journal.applyRetention({ maxThreadEvents: 15 }, none);
    expect(result).toMatchObject({ events: 20, threads: [] });
    expect(seqs('t')).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect(journal.lastSeq('t')).toBe(30);
    // Its counts followed the cut: another pass finds nothing more to do.
    expect((await journal.applyRetention({ maxThreadEvents: 15 }, none)).events).toBe(0);
  });

  it('keeps the newest run whole even when it alone is over the limit, and never touches a busy thread', async () => {
    const { journal, run, seqs } = journalAt();
    run('t', 4);
    run('t', 30);
    run('busy', 4);
    run('busy', 30, { finished: false });
    await journal.applyRetention({ maxThreadEvents: 5 }, busyOnly('busy'));
    expect(seqs('t')).toHaveLength(30);
    expect(seqs('t')[0]).toBe(5);
    expect(seqs('busy')).toHaveLength(34);
  });

  it('deletes threads unused for longer than the age limit, whole', async () => {
    const { journal, clock, run, seqs } = journalAt(1_000 * DAY);
    run('old', 5);
    clock.now += 20 * DAY;
    run('recent', 5);
    clock.now += 11 * DAY;
    const result = await journal.applyRetention({ maxAgeDays: 30 }, none);
    expect(result).toMatchObject({ events: 5, threads: ['old'] });
    expect(seqs('old')).toEqual([]);
    expect(journal.threadOwner('old')).toBeUndefined();
    expect(seqs('recent')).toHaveLength(5);
  });

  it('deletes the least recently used threads until the journal fits its size in bytes', async () => {
    const { journal, clock, run, seqs } = journalAt();
    for (const threadId of ['a', 'b', 'c', 'd']) {
      run(threadId, 10);
      clock.now += 1_000;
    }
    const bytes = (id: string) => journal.framesAfter(id, 0).reduce((sum, f) => sum + Buffer.byteLength(f), 0);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(bytes) as [number, number, number, number];
    const result = await journal.applyRetention({ maxBytes: a + d + 10 }, busyOnly('a'));
    // 'a' is the oldest but busy: 'b' and 'c' go instead.
    expect(result).toMatchObject({ events: 20, bytes: b + c, threads: ['b', 'c'] });
    expect([seqs('a'), seqs('b'), seqs('c'), seqs('d')].map((s) => s.length)).toEqual([10, 0, 0, 10]);
  });

  it('counts what a journal made before retention already holds, threads without a row included', () => {
    const database = new Database(':memory:');
    database.exec(`
      CREATE TABLE events (thread_id TEXT NOT NULL, seq INTEGER NOT NULL, run_id TEXT NOT NULL, type TEXT NOT NULL,
        frame TEXT NOT NULL, PRIMARY KEY (thread_id, seq)) WITHOUT ROWID;
      CREATE TABLE threads (thread_id TEXT PRIMARY KEY, owner_id TEXT) WITHOUT ROWID;
      INSERT INTO threads VALUES ('t', 'u-1');
      INSERT INTO events VALUES ('t', 1, 'r', 'agent_started', '{"é":1}'), ('t', 2, 'r', 'agent_completed', '{"ts":7}'),
        ('older', 1, 'r', 'agent_started', '{}');
    `);
    new EventJournal({ path: ':memory:', database, now: () => 5 });
    const rows = database.prepare('SELECT thread_id, owner_id, event_count, bytes, updated_at FROM threads ORDER BY 1');
    expect(rows.all()).toEqual([
      // From before the threads table: counted, unowned, last used "now" (its event has no time).
      { thread_id: 'older', owner_id: null, event_count: 1, bytes: 2, updated_at: 5 },
      // UTF-8 bytes: 8 for '{"é":1}', where 'é' is two, and 8 for '{"ts":7}'; last used at its last event.
      { thread_id: 't', owner_id: 'u-1', event_count: 2, bytes: 16, updated_at: 7 },
    ]);
  });

  it('works in small steps, sparing a thread that becomes busy or is used while the pass runs', async () => {
    const { journal, clock, run, seqs } = journalAt();
    const old = Array.from({ length: 150 }, (_, i) => `old-${String(i).padStart(3, '0')}`);
    for (const id of old) run(id, 2);
    clock.now += 40 * DAY;
    for (const id of ['long-1', 'long-2']) for (let i = 0; i < 3; i += 1) run(id, 10);
    const busy = new Set<string>();
    const pass = journal.applyRetention({ maxAgeDays: 30, maxThreadEvents: 10 }, (id) => busy.has(id));
    // The pass has begun and yields between steps: meanwhile a run starts in one thread, and an old one is used.
    busy.add('long-2');
    run('old-149', 2); // in the pass's second step: the first 100 go before this line runs
    const result = await pass;
    expect(result.threads).toEqual(old.slice(0, 149));
    expect(seqs('old-149')).toEqual([1, 2, 3, 4]);
    expect(seqs('long-1')).toHaveLength(10);
    expect(seqs('long-2')).toHaveLength(30);
  });
});
