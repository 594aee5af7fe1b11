import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { checkRunLifecycle, type RunEvent } from '../../protocol';
import { EventJournal } from '../journal/event-journal';
import type { Agent } from './agent';
import { AgentRegistry } from './agent-registry';
import { ThreadNotifier } from './notifier';
import { RunManager, RunRejectedError } from './run-manager';
import { ToolDispatcher } from './tool-dispatcher';

const echoAgent: Agent = {
  name: 'echo',
  description: 'streams its input',
  async run(ctx) {
    ctx.think('echoing');
    ctx.stream(ctx.input);
  },
};
const waitingAgent: Agent = {
  name: 'waiting',
  description: 'waits until cancelled',
  run: (ctx) => ctx.pause(60_000),
};

function setup(
  options: {
    maxThreads?: number;
    maxConcurrentRuns?: number;
    maxActiveRuns?: number;
    faults?: boolean;
    journal?: boolean;
  } = {},
) {
  const { journal, ...rest } = options;
  const notifier = new ThreadNotifier();
  const registry = new AgentRegistry().register(echoAgent, { isDefault: true }).register(waitingAgent, {
    command: '/wait',
  });
  const runs = new RunManager({
    registry,
    dispatcher: new ToolDispatcher(),
    notifier,
    logger: pino({ level: 'silent' }),
    ...(journal ? { journal: new EventJournal({ path: ':memory:' }) } : {}),
    ...rest,
  });
  const received: RunEvent[] = [];
  const watch = (threadId: string) =>
    notifier.subscribe(threadId, { send: (frame) => received.push(JSON.parse(frame)) });
  return { runs, received, watch };
}

describe('RunManager', () => {
  describe('#startRun', () => {
    it('should call onAccepted before the first event, so subscribers miss nothing', async () => {
      const { runs, received, watch } = setup();
      const run = runs.startRun({ text: 'hi' }, ({ threadId }) => watch(threadId));
      await run.done;
      expect(received.map((event) => event.type)).toEqual([
        'agent_started',
        'agent_thinking',
        'partial_result',
        'agent_completed',
      ]);
      expect(checkRunLifecycle(received)).toEqual([]);
    });

    it('should number seq per thread, continuing across runs of the same thread', async () => {
      const { runs, received, watch } = setup();
      const first = runs.startRun({ text: 'one' }, ({ threadId }) => watch(threadId));
      await first.done;
      await runs.startRun({ text: 'two', threadId: first.threadId }).done;
      expect(received.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(new Set(received.map((event) => event.runId)).size).toBe(2);
      expect(checkRunLifecycle(received)).toEqual([]);
    });

    it('should keep seq independent between threads', async () => {
      const { runs, received, watch } = setup();
      await Promise.all([
        runs.startRun({ text: 'a' }, ({ threadId }) => watch(threadId)).done,
        runs.startRun({ text: 'b' }, ({ threadId }) => watch(threadId)).done,
      ]);
      expect(received).toHaveLength(8);
      expect(checkRunLifecycle(received)).toEqual([]);
    });

    it('should reject an unknown thread with not_found', () => {
      const { runs } = setup();
      expect(() => runs.startRun({ text: 'x', threadId: 'missing' })).toThrow(
        expect.objectContaining({ code: 'not_found' }),
      );
    });

    it('should reject a second run on a busy thread with thread_busy', async () => {
      const { runs } = setup();
      const first = runs.startRun({ text: '/wait' });
      let rejection: unknown;
      try {
        runs.startRun({ text: 'again', threadId: first.threadId });
      } catch (error) {
        rejection = error;
      }
      expect(rejection).toBeInstanceOf(RunRejectedError);
      expect(rejection).toMatchObject({ code: 'thread_busy' });
      runs.cancel(first.runId);
      await first.done;
      await expect(runs.startRun({ text: 'now free', threadId: first.threadId }).done).resolves.toMatchObject({
        status: 'success',
      });
    });
  });

  describe('threads', () => {
    it('should forget the least recently used idle thread beyond maxThreads, never a busy one', async () => {
      const { runs } = setup({ maxThreads: 2 });
      const busy = runs.startRun({ text: '/wait' });
      const idle = runs.startRun({ text: 'a' });
      await idle.done;
      await runs.startRun({ text: 'b' }).done;
      expect(runs.hasThread(busy.threadId)).toBe(true);
      expect(runs.hasThread(idle.threadId)).toBe(false);
      runs.cancel(busy.runId);
      await busy.done;
    });
  });

  describe('ownership', () => {
    it('should refuse another user continuing, cancelling or reading a thread with forbidden', async () => {
      const { runs } = setup();
      const run = runs.startRun({ text: '/wait', owner: 'alice' });
      const forbidden = expect.objectContaining({ code: 'forbidden' });
      expect(() => runs.startRun({ text: 'hi', threadId: run.threadId, owner: 'mallory' })).toThrow(forbidden);
      expect(() => runs.cancel(run.runId, 'mallory')).toThrow(forbidden);
      expect(() => runs.authorizeThread(run.threadId, 'mallory')).toThrow(forbidden);
      expect(() => runs.authorizeThread(run.threadId, 'alice')).not.toThrow();
      runs.cancel(run.runId, 'alice');
      await expect(run.done).resolves.toMatchObject({ status: 'cancelled' });
    });
  });

  describe('concurrency cap', () => {
    it('should refuse any run over maxActiveRuns, all owners together, and take one again once a run ends', async () => {
      const { runs } = setup({ maxActiveRuns: 2 });
      const alice = runs.startRun({ text: '/wait', owner: 'alice' });
      const bob = runs.startRun({ text: '/wait', owner: 'bob' });
      expect(() => runs.startRun({ text: '/wait', owner: 'carol' })).toThrow(
        expect.objectContaining({ code: 'rate_limited', message: expect.stringContaining('running 2 runs') }),
      );
      runs.cancel(alice.runId, 'alice');
      await alice.done;
      const carol = runs.startRun({ text: '/wait', owner: 'carol' });
      await runs.shutdown('done');
      for (const run of [bob, carol]) await expect(run.done).resolves.toMatchObject({ status: 'cancelled' });
    });

    it('should refuse an owner over maxConcurrentRuns with rate_limited, without creating a thread', async () => {
      const { runs } = setup({ maxConcurrentRuns: 2 });
      const first = runs.startRun({ text: '/wait', owner: 'alice' });
      const second = runs.startRun({ text: '/wait', owner: 'alice' });
      expect(() => runs.startRun({ text: '/wait', owner: 'alice' })).toThrow(
        expect.objectContaining({ code: 'rate_limited', message: 'at most 2 runs may be in progress at once' }),
      );
      const bob = runs.startRun({ text: '/wait', owner: 'bob' });
      expect(runs.activeRunCount).toBe(3);

      runs.cancel(first.runId, 'alice');
      await first.done;
      const third = runs.startRun({ text: '/wait', owner: 'alice' });
      await runs.shutdown('done');
      for (const run of [second, bob, third]) await expect(run.done).resolves.toMatchObject({ status: 'cancelled' });
    });
  });

  describe('#cancel', () => {
    it('should cancel an active run, and answer not_found for one that is not running', async () => {
      const { runs } = setup();
      const run = runs.startRun({ text: '/wait' });
      expect(runs.activeRunCount).toBe(1);
      runs.cancel(run.runId);
      await expect(run.done).resolves.toMatchObject({ status: 'cancelled' });
      expect(runs.activeRunCount).toBe(0);
      expect(() => runs.cancel(run.runId)).toThrow(expect.objectContaining({ code: 'not_found' }));
    });

    it('should deliver a run’s completion before answering a cancel that came just after it ended', async () => {
      const { runs, received, watch } = setup({ journal: true });
      const run = runs.startRun({ text: 'hi' }, ({ threadId }) => watch(threadId));
      await run.done; // its agent_completed waits for the journal's next commit
      expect(received.some((event) => event.type === 'agent_completed')).toBe(false);
      expect(() => runs.cancel(run.runId)).toThrow(`run ${run.runId} is not running`);
      expect(received.at(-1)?.type).toBe('agent_completed');
    });
  });

  describe('#shutdown', () => {
    it('should wait until every active run has completed', async () => {
      const { runs } = setup();
      const all = [runs.startRun({ text: '/wait' }), runs.startRun({ text: '/wait' })];
      await runs.shutdown('shutdown');
      expect(runs.activeRunCount).toBe(0);
      for (const run of all) await expect(run.done).resolves.toMatchObject({ status: 'cancelled' });
    });

    it('should refuse new runs once shutting down, with unavailable', async () => {
      const { runs } = setup();
      await runs.shutdown('shutdown');
      expect(() => runs.startRun({ text: 'late' })).toThrow(expect.objectContaining({ code: 'unavailable' }));
    });
  });

  describe('lost runs', () => {
    const lose = async (runs: RunManager, text: string) => {
      // stop-after=2: the run ends on the server, but its end is never journaled or sent.
      const run = runs.startRun({ text: `/fault stop-after=2; ${text}` });
      await run.done;
      return run;
    };

    it('should close a run whose end was lost when its thread is read, as interrupted, once', async () => {
      const { runs } = setup({ faults: true, journal: true });
      const run = await lose(runs, 'hi');
      const frames = runs.framesAfter(run.threadId, 0).map((frame) => JSON.parse(frame) as RunEvent);
      expect(frames.map((event) => [event.seq, event.type])).toEqual([
        [1, 'agent_started'],
        [2, 'agent_thinking'],
        [5, 'agent_completed'],
      ]);
      expect(frames.at(-1)?.payload).toEqual({
        status: 'interrupted',
        error: 'the server lost track of this run before it finished',
        durationMs: expect.any(Number),
      });
      expect(runs.framesAfter(run.threadId, 0)).toHaveLength(3);
    });

    it('should close it before the thread continues, so the next run follows an ended one', async () => {
      const { runs } = setup({ faults: true, journal: true });
      const lost = await lose(runs, 'hi');
      const next = runs.startRun({ threadId: lost.threadId, text: 'again' });
      await next.done;
      const types = runs.framesAfter(lost.threadId, 0).map((frame) => (JSON.parse(frame) as RunEvent).type);
      expect(types.slice(2, 4)).toEqual(['agent_completed', 'agent_started']);
    });

    it('should leave a running run, and one whose delayed events are still on the way, alone', async () => {
      const { runs } = setup({ faults: true, journal: true });
      const waiting = runs.startRun({ text: '/wait' });
      expect(runs.framesAfter(waiting.threadId, 0).map((frame) => JSON.parse(frame).type)).toEqual(['agent_started']);
      runs.cancel(waiting.runId);
      await waiting.done;
      const delayed = runs.startRun({ text: '/fault delay=200; hi' });
      await delayed.done;
      expect(runs.framesAfter(delayed.threadId, 0)).toEqual([]);
      await vi.waitFor(() => expect(runs.framesAfter(delayed.threadId, 0)).toHaveLength(4));
      const last = JSON.parse(runs.framesAfter(delayed.threadId, 0).at(-1) ?? '{}') as RunEvent;
      expect(last.payload).toMatchObject({ status: 'success' });
    });
  });
});
