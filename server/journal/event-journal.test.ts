import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { checkRunLifecycle, isRunEvent, type RunEvent } from '../../protocol';
import type { Agent } from '../runtime/agent';
import { AgentRegistry } from '../runtime/agent-registry';
import { ThreadNotifier } from '../runtime/notifier';
import { RunManager } from '../runtime/run-manager';
import { ToolDispatcher } from '../runtime/tool-dispatcher';
import { defineTool } from '../tools/tool';
import { EventJournal, type EventJournalOptions, type JournalWriteFailure } from './event-journal';

function event(seq: number, type: RunEvent['type'] = 'partial_result', runId = 'r-1'): RunEvent {
  const payloads: Partial<Record<RunEvent['type'], unknown>> = {
    agent_started: { agentName: 'a', input: 'hi' },
    partial_result: { delta: `d${seq}` },
  };
  return { type, threadId: 't-1', runId, seq, ts: seq, payload: payloads[type] } as RunEvent;
}

const append = (journal: EventJournal, e: RunEvent) => journal.append(e, JSON.stringify(e));
const seqOf = (frame: string): number => JSON.parse(frame).seq;

/**
 * A journal on a disk that fills up on demand: while `disk.full`, every insert
 * into events fails inside SQLite with the error a full disk gives (SQLITE_FULL).
 */
function fullDiskJournal(options: Partial<EventJournalOptions> = {}) {
  const database = new Database(':memory:');
  const disk = { full: false };
  database.function('disk_space', () => {
    if (disk.full) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    return 0;
  });
  const journal = new EventJournal({ path: ':memory:', ...options, database });
  database.exec('CREATE TEMP TRIGGER fill_up BEFORE INSERT ON main.events BEGIN SELECT disk_space(); END');
  return { journal, disk };
}

describe('EventJournal', () => {
  describe('#framesAfter', () => {
    it('returns events after a seq, in order, including appends not yet committed', () => {
      const journal = new EventJournal({ path: ':memory:', batchSize: 1000 });
      for (let seq = 1; seq <= 5; seq += 1) append(journal, event(seq));
      const frames = journal.framesAfter('t-1', 2).map((frame) => JSON.parse(frame).seq);
      expect(frames).toEqual([3, 4, 5]);
      expect(journal.framesAfter('unknown', 0)).toEqual([]);
      expect(journal.lastSeq('t-1')).toBe(5);
      expect(journal.lastSeq('unknown')).toBe(0);
      journal.close();
    });
  });

  describe('#append', () => {
    it('persists across reopening the file', () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'journal-')), 'nested', 'journal.db');
      const first = new EventJournal({ path: file, batchSize: 2 });
      for (let seq = 1; seq <= 3; seq += 1) append(first, event(seq));
      first.close();
      const second = new EventJournal({ path: file });
      expect(second.lastSeq('t-1')).toBe(3);
      second.close();
    });

    it('keeps its file 0600, and its -wal, in a folder it makes 0700', () => {
      const dir = path.join(mkdtempSync(path.join(tmpdir(), 'journal-')), 'private');
      const journal = new EventJournal({ path: path.join(dir, 'journal.db'), batchSize: 1 });
      append(journal, event(1));
      const mode = (file: string) => statSync(path.join(dir, file)).mode & 0o777;
      expect(mode('.')).toBe(0o700);
      expect(mode('journal.db')).toBe(0o600);
      expect(mode('journal.db-wal')).toBe(0o600);
      journal.close();
    });

    it('keeps a batch it cannot commit (a duplicate seq) pending, delivering none of it', async () => {
      const delivered: number[] = [];
      const journal = new EventJournal({
        path: ':memory:',
        batchSize: 1,
        deliver: (_threadId, frame) => delivered.push(seqOf(frame)),
      });
      append(journal, event(1));
      expect(delivered).toEqual([]); // a full batch commits on the next microtask, never on the appender's stack
      await Promise.resolve();
      expect(delivered).toEqual([1]);
      append(journal, event(1)); // a failed write is reported, never thrown at the run that emitted it
      expect(journal.writeFailure).toBeUndefined();
      await Promise.resolve();
      expect(journal.writeFailure?.reason).toMatch(/UNIQUE|PRIMARY KEY/);
      expect(delivered).toEqual([1]);
      expect(() => journal.close()).toThrow(/journal closed with 1 unsaved event\(s\): SQLITE_CONSTRAINT/);
      expect(delivered).toEqual([1]);
    });
  });

  describe('write failures', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('retries a failed commit with doubling backoff, keeps reads working, then delivers everything in order', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
      const delivered: number[] = [];
      const failures: JournalWriteFailure[] = [];
      let recoveries = 0;
      const { journal, disk } = fullDiskJournal({
        retryMinMs: 250,
        retryMaxMs: 1000,
        deliver: (_threadId, frame) => delivered.push(seqOf(frame)),
      });
      journal.on('writeFailed', (failure) => failures.push(failure));
      journal.on('writeRecovered', () => {
        recoveries += 1;
      });
      append(journal, event(1, 'agent_started'));
      vi.runOnlyPendingTimers();
      expect(delivered).toEqual([1]);

      disk.full = true;
      append(journal, event(2));
      append(journal, event(3));
      vi.runOnlyPendingTimers(); // the scheduled commit fails
      const full = { reason: 'SQLITE_FULL: database or disk is full', cause: 'the disk is full' };
      expect(failures).toEqual([{ ...full, attempt: 1, retryInMs: 250 }]);
      expect(journal.writeFailure).toEqual({ ...full, attempt: 1, retryInMs: 250 });
      expect(delivered).toEqual([1]);
      // Reads see what is committed; lastSeq counts pending ones too, so a revived thread never reuses a seq.
      expect(journal.framesAfter('t-1', 0).map(seqOf)).toEqual([1]);
      expect(journal.lastSeq('t-1')).toBe(3);
      expect(journal.unfinishedRuns()).toEqual([expect.objectContaining({ runId: 'r-1' })]);
      expect(journal.pendingRuns()).toEqual([{ threadId: 't-1', runId: 'r-1' }]);
      // Nothing is judged lost during an outage, and asking is no extra write attempt.
      expect(journal.unfinishedRunOf('t-1')).toBeUndefined();
      expect(failures).toHaveLength(1);

      append(journal, event(4)); // no commit attempt of its own: the retry takes it
      vi.advanceTimersByTime(249);
      expect(failures).toHaveLength(1);
      vi.advanceTimersByTime(1);
      vi.advanceTimersByTime(500);
      vi.advanceTimersByTime(1000);
      expect(failures.map(({ attempt, retryInMs }) => [attempt, retryInMs])).toEqual([
        [1, 250],
        [2, 500],
        [3, 1000],
        [4, 1000],
      ]);
      expect(delivered).toEqual([1]);

      disk.full = false;
      vi.advanceTimersByTime(1000);
      expect(delivered).toEqual([1, 2, 3, 4]);
      expect(recoveries).toBe(1);
      expect(journal.writeFailure).toBeUndefined();
      append(journal, event(5));
      vi.runOnlyPendingTimers();
      expect(delivered).toEqual([1, 2, 3, 4, 5]);
      expect(journal.framesAfter('t-1', 0).map(seqOf)).toEqual([1, 2, 3, 4, 5]);
      journal.close();
    });

    it("keeps a new thread's owner while its first commit fails, and records it with the retry", () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
      const { journal, disk } = fullDiskJournal({ retryMinMs: 10 });
      disk.full = true;
      journal.recordThread('t-1', 'alice');
      append(journal, event(1, 'agent_started'));
      vi.runOnlyPendingTimers();
      expect(journal.writeFailure?.cause).toBe('the disk is full');
      expect(journal.threadOwner('t-1')).toBe('alice');
      disk.full = false;
      vi.advanceTimersByTime(10);
      expect(journal.writeFailure).toBeUndefined();
      expect(journal.threadOwner('t-1')).toBe('alice');
      expect(journal.framesAfter('t-1', 0)).toHaveLength(1);
      journal.close();
    });
  });

  describe('write failures, through the RunManager', () => {
    const waitTool = defineTool({
      name: 'wait',
      description: 'runs until aborted',
      args: z.object({}),
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    });
    const waiting: Agent = {
      name: 'waiting',
      description: 'thinks, then waits on a tool',
      run: async (ctx) => {
        ctx.think('working');
        await ctx.callTool('wait', {});
      },
    };
    const quick: Agent = { name: 'quick', description: 'answers', run: async (ctx) => ctx.stream('done') };

    it('fails held-back runs, tells their users at once, refuses new runs, and delivers in order after a retry', async () => {
      const notifier = new ThreadNotifier();
      const { journal, disk } = fullDiskJournal({
        retryMinMs: 1,
        retryMaxMs: 8,
        deliver: (threadId, frame) => notifier.publish(threadId, frame),
      });
      const runs = new RunManager({
        registry: new AgentRegistry().register(waiting, { command: '/wait' }).register(quick, { isDefault: true }),
        dispatcher: new ToolDispatcher([waitTool], { timeoutMs: 60_000 }),
        notifier,
        logger: pino({ level: 'silent' }),
        journal,
        events: journal,
      });
      const frames: { threadId: string; message: { type: string; runId?: string; seq?: number } }[] = [];
      const watch = (threadId: string) =>
        notifier.subscribe(threadId, { send: (frame) => frames.push({ threadId, message: JSON.parse(frame) }) });
      const eventsOf = (runId: string) =>
        frames.map((f) => f.message as RunEvent).filter((m) => m.runId === runId && isRunEvent(m));
      const noticeFor = (runId: string) => frames.find((f) => f.message.type === 'error' && f.message.runId === runId);

      const first = runs.startRun({ text: '/wait', owner: 'alice' }, ({ threadId }) => watch(threadId));
      await vi.waitFor(() => expect(eventsOf(first.runId).map((e) => e.type)).toContain('tool_executing'));

      disk.full = true;
      // The second run's first commit hits the full disk: both runs are held back.
      const second = runs.startRun({ text: '/wait', owner: 'bob' }, ({ threadId }) => watch(threadId));
      const stopped = 'the server could not save this run (the disk is full); it was stopped';
      await vi.waitFor(() => {
        for (const run of [first, second]) {
          expect(noticeFor(run.runId)?.message).toEqual({
            type: 'error',
            code: 'unavailable',
            message: stopped,
            runId: run.runId,
          });
        }
      });
      expect(() => runs.startRun({ text: 'hello', owner: 'alice' })).toThrow(
        expect.objectContaining({
          code: 'unavailable',
          message: 'the server cannot save new runs right now (the disk is full); try again in a moment',
        }),
      );
      for (const run of [first, second])
        await expect(run.done).resolves.toMatchObject({ status: 'failed', error: stopped });
      await vi.waitFor(() => expect(journal.writeFailure?.attempt).toBeGreaterThan(2)); // it keeps retrying
      expect(eventsOf(first.runId).map((e) => e.type)).toEqual(['agent_started', 'agent_thinking', 'tool_executing']);
      expect(eventsOf(second.runId)).toEqual([]); // nothing uncommitted is ever sent

      // A resume during the outage: committed events now, the notice after them, the rest once committed.
      const replayed = runs.framesAfter(first.threadId, 0).map((frame) => JSON.parse(frame) as RunEvent);
      const late: { type: string }[] = [];
      notifier.subscribe(first.threadId, { send: (frame) => late.push(JSON.parse(frame)) });
      expect(replayed.map((e) => e.seq)).toEqual([1, 2, 3]);
      await vi.waitFor(() => expect(late).toEqual([expect.objectContaining({ type: 'error', runId: first.runId })]));

      disk.full = false;
      await vi.waitFor(() => {
        for (const run of [first, second]) expect(eventsOf(run.runId).at(-1)?.type).toBe('agent_completed');
      });
      expect(journal.writeFailure).toBeUndefined();
      for (const run of [first, second]) {
        const events = eventsOf(run.runId);
        expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
        expect(events.at(-1)?.payload).toMatchObject({ status: 'failed', error: stopped });
        expect(events.find((e) => e.type === 'tool_completed')?.payload).toMatchObject({
          status: 'error',
          error: stopped,
        });
        expect(checkRunLifecycle(events)).toEqual([]);
      }
      // The late subscriber got the rest of the run exactly once: replay + live is the whole stream.
      const lateEvents = late.filter(isRunEvent);
      expect([...replayed, ...lateEvents]).toEqual(eventsOf(first.runId));

      await expect(
        runs.startRun({ text: 'hello again', threadId: first.threadId, owner: 'alice' }).done,
      ).resolves.toMatchObject({
        status: 'success',
      });
      journal.close();
    });
  });

  describe('restart', () => {
    const hang = defineTool({
      name: 'hang',
      description: 'never finishes',
      args: z.object({}),
      execute: () => new Promise<never>(() => {}),
    });
    const stuck: Agent = {
      name: 'stuck',
      description: 'calls a tool that never finishes',
      run: async (ctx) => {
        ctx.think('working');
        await ctx.callTool('hang', {});
      },
    };
    const manager = (journal: EventJournal) =>
      new RunManager({
        registry: new AgentRegistry().register(stuck, { isDefault: true }),
        dispatcher: new ToolDispatcher([hang], { timeoutMs: 60_000 }),
        notifier: new ThreadNotifier(),
        logger: pino({ level: 'silent' }),
        journal,
        events: journal,
      });

    it('closes a run left open by a crash as interrupted, completing its open tool calls first', () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'journal-')), 'journal.db');
      const before = new EventJournal({ path: file });
      const { threadId, runId } = manager(before).startRun({ text: 'go', owner: 'alice' });
      before.close(); // the process "dies" with the run open

      const after = new EventJournal({ path: file });
      const restarted = manager(after);
      expect(after.unfinishedRuns()).toEqual([
        expect.objectContaining({ runId, threadId, openToolCalls: [{ toolCallId: 't-1', toolName: 'hang' }] }),
      ]);
      expect(restarted.interruptUnfinishedRuns()).toBe(1);
      const events = after.framesAfter(threadId, 0).map((frame) => JSON.parse(frame) as RunEvent);
      expect(events.map((e) => e.type)).toEqual([
        'agent_started',
        'agent_thinking',
        'tool_executing',
        'tool_completed',
        'agent_completed',
      ]);
      expect(events.at(-1)?.payload).toMatchObject({ status: 'interrupted' });
      expect(checkRunLifecycle(events)).toEqual([]);
      expect(after.unfinishedRuns()).toEqual([]);
      expect(restarted.hasThread(threadId)).toBe(true);
      after.close();
    });
  });
});
