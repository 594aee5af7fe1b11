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

const none = new Set<string>();

describe('journal retention', () => {
  it("should trim a long thread's oldest finished runs whole, down to its limit", () => {
    const { journal, run, seqs } = journalAt();
    for (let i = 0; i < 3; i += 1) run('t', 10);
    const result = journal.applyRetention({ maxThreadEvents: 15 }, none);
    expect(result).toMatchObject({ events: 20, threads: [] });
    expect(seqs('t')).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect(journal.lastSeq('t')).toBe(30);
    // Its counts followed the cut: another pass finds nothing more to do.
    expect(journal.applyRetention({ maxThreadEvents: 15 }, none).events).toBe(0);
  });

  it('should keep the newest run whole even when it alone is over the limit, and never touch a busy thread', () => {
    const { journal, run, seqs } = journalAt();
    run('t', 4);
    run('t', 30);
    run('busy', 4);
    run('busy', 30, { finished: false });
    journal.applyRetention({ maxThreadEvents: 5 }, new Set(['busy']));
    expect(seqs('t')).toHaveLength(30);
    expect(seqs('t')[0]).toBe(5);
    expect(seqs('busy')).toHaveLength(34);
  });

  it('should delete threads unused for longer than the age limit, whole', () => {
    const { journal, clock, run, seqs } = journalAt(1_000 * DAY);
    run('old', 5);
    clock.now += 20 * DAY;
    run('recent', 5);
    clock.now += 11 * DAY;
    const result = journal.applyRetention({ maxAgeDays: 30 }, none);
    expect(result).toMatchObject({ events: 5, threads: ['old'] });
    expect(seqs('old')).toEqual([]);
    expect(journal.threadOwner('old')).toBeUndefined();
    expect(seqs('recent')).toHaveLength(5);
  });

  it('should delete the least recently used threads until the journal fits its size in bytes', () => {
    const { journal, clock, run, seqs } = journalAt();
    for (const threadId of ['a', 'b', 'c', 'd']) {
      run(threadId, 10);
      clock.now += 1_000;
    }
    const bytes = (id: string) => journal.framesAfter(id, 0).reduce((sum, f) => sum + Buffer.byteLength(f), 0);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(bytes) as [number, number, number, number];
    const result = journal.applyRetention({ maxBytes: a + d + 10 }, new Set(['a']));
    // 'a' is the oldest but busy: 'b' and 'c' go instead.
    expect(result).toMatchObject({ events: 20, bytes: b + c, threads: ['b', 'c'] });
    expect([seqs('a'), seqs('b'), seqs('c'), seqs('d')].map((s) => s.length)).toEqual([10, 0, 0, 10]);
  });

  it('should count what a journal made before retention already holds', () => {
    const database = new Database(':memory:');
    database.exec(`
      CREATE TABLE events (thread_id TEXT NOT NULL, seq INTEGER NOT NULL, run_id TEXT NOT NULL, type TEXT NOT NULL,
        frame TEXT NOT NULL, PRIMARY KEY (thread_id, seq)) WITHOUT ROWID;
      CREATE TABLE threads (thread_id TEXT PRIMARY KEY, owner_id TEXT) WITHOUT ROWID;
      INSERT INTO threads VALUES ('t', 'u-1');
      INSERT INTO events VALUES ('t', 1, 'r', 'agent_started', '{"é":1}'), ('t', 2, 'r', 'agent_completed', '{}');
    `);
    new EventJournal({ path: ':memory:', database, now: () => 5 });
    expect(database.prepare('SELECT event_count, bytes, updated_at FROM threads').get()).toEqual({
      event_count: 2,
      bytes: 10, // UTF-8 bytes: 8 for '{"é":1}', where 'é' is two, and 2 for '{}'
      updated_at: 5,
    });
  });
});
