import { describe, expect, it, vi } from 'vitest';
import { checkRunLifecycle, type RunEvent } from '../../protocol';
import { committed, createTestRunManager } from '../testing/run-manager-kit';
import type { Agent } from './agent';
import { AgentRegistry } from './agent-registry';
import type { RunManager } from './run-manager';
import { RunRejectedError } from './run-rejected-error';
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

const OWNER = 'alice';

function setup(
  options: { maxThreads?: number; maxConcurrentRuns?: number; maxActiveRuns?: number; faults?: boolean } = {},
) {
  const registry = new AgentRegistry().register(echoAgent, { isDefault: true }).register(waitingAgent, {
    command: '/wait',
  });
  const { runs, notifier, journal } = createTestRunManager({ registry, dispatcher: new ToolDispatcher(), ...options });
  const received: RunEvent[] = [];
  const watch = (threadId: string) =>
    notifier.subscribe(threadId, { send: (frame) => received.push(JSON.parse(frame)) });
  return { runs, journal, received, watch };
}

describe('RunManager', () => {
  describe('#startRun', () => {
    it('calls onAccepted before the first event, so subscribers miss nothing', async () => {
      const { runs, received, watch } = setup();
      const run = runs.startRun({ text: 'hi', owner: OWNER }, ({ threadId }) => watch(threadId));
      await run.done;
      await committed();
      expect(received.map((event) => event.type)).toEqual([
        'agent_started',
        'agent_thinking',
        'partial_result',
        'agent_completed',
      ]);
      expect(checkRunLifecycle(received)).toEqual([]);
    });

    it('numbers seq per thread, continuing across runs of the same thread', async () => {
      const { runs, received, watch } = setup();
      const first = runs.startRun({ text: 'one', owner: OWNER }, ({ threadId }) => watch(threadId));
      await first.done;
      await runs.startRun({ text: 'two', threadId: first.threadId, owner: OWNER }).done;
      await committed();
      expect(received.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(new Set(received.map((event) => event.runId)).size).toBe(2);
      expect(checkRunLifecycle(received)).toEqual([]);
    });

    it('keeps seq independent between threads', async () => {
      const { runs, received, watch } = setup();
      await Promise.all([
        runs.startRun({ text: 'a', owner: OWNER }, ({ threadId }) => watch(threadId)).done,
        runs.startRun({ text: 'b', owner: OWNER }, ({ threadId }) => watch(threadId)).done,
      ]);
      await committed();
      expect(received).toHaveLength(8);
      expect(checkRunLifecycle(received)).toEqual([]);
    });

    it('rejects an unknown thread with not_found', () => {
      const { runs } = setup();
      expect(() => runs.startRun({ text: 'x', threadId: 'missing', owner: OWNER })).toThrow(
        expect.objectContaining({ code: 'not_found' }),
      );
    });

    it('rejects a second run on a busy thread with thread_busy', async () => {
      const { runs } = setup();
      const first = runs.startRun({ text: '/wait', owner: OWNER });
      let rejection: unknown;
      try {
        runs.startRun({ text: 'again', threadId: first.threadId, owner: OWNER });
      } catch (error) {
        rejection = error;
      }
      expect(rejection).toBeInstanceOf(RunRejectedError);
      expect(rejection).toMatchObject({ code: 'thread_busy' });
      runs.cancel(first.runId, OWNER);
      await first.done;
      await expect(
        runs.startRun({ text: 'now free', threadId: first.threadId, owner: OWNER }).done,
      ).resolves.toMatchObject({
        status: 'success',
      });
    });
  });

  describe('threads', () => {
    it('forgets the least recently used idle thread beyond maxThreads, never a busy one, and revives it from the journal', async () => {
      const { runs, journal, received, watch } = setup({ maxThreads: 2 });
      const busy = runs.startRun({ text: '/wait', owner: OWNER });
      const idle = runs.startRun({ text: 'a', owner: OWNER });
      await idle.done;
      await runs.startRun({ text: 'b', owner: OWNER }).done;
      const journalReads = vi.spyOn(journal, 'lastSeq');
      expect(runs.hasThread(busy.threadId)).toBe(true);
      expect(journalReads).not.toHaveBeenCalled(); // still in memory
      const again = runs.startRun({ text: 'again', threadId: idle.threadId, owner: OWNER }, () => watch(idle.threadId));
      expect(journalReads).toHaveBeenCalledWith(idle.threadId); // forgotten, then revived
      await again.done;
      await committed();
      expect(received.map((event) => event.seq)).toEqual([5, 6, 7, 8]);
      runs.cancel(busy.runId, OWNER);
      await busy.done;
    });
  });

  describe('ownership', () => {
    it('refuses another user continuing, cancelling or reading a thread with forbidden', async () => {
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
    it('refuses any run over maxActiveRuns, all owners together, and takes one again once a run ends', async () => {
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

    it('refuses an owner over maxConcurrentRuns with rate_limited, without creating a thread', async () => {
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
    it('cancels an active run, and answers not_found for one that is not running', async () => {
      const { runs } = setup();
      const run = runs.startRun({ text: '/wait', owner: OWNER });
      expect(runs.activeRunCount).toBe(1);
      runs.cancel(run.runId, OWNER);
      await expect(run.done).resolves.toMatchObject({ status: 'cancelled' });
      expect(runs.activeRunCount).toBe(0);
      expect(() => runs.cancel(run.runId, OWNER)).toThrow(expect.objectContaining({ code: 'not_found' }));
    });

    it('delivers a run’s completion before answering a cancel that came just after it ended', async () => {
      const { runs, received, watch } = setup();
      const run = runs.startRun({ text: 'hi', owner: OWNER }, ({ threadId }) => watch(threadId));
      await run.done; // its agent_completed waits for the journal's next commit
      expect(received.some((event) => event.type === 'agent_completed')).toBe(false);
      expect(() => runs.cancel(run.runId, OWNER)).toThrow(`run ${run.runId} is not running`);
      expect(received.at(-1)?.type).toBe('agent_completed');
    });
  });

  describe('#shutdown', () => {
    it('waits until every active run has completed', async () => {
      const { runs } = setup();
      const all = [runs.startRun({ text: '/wait', owner: OWNER }), runs.startRun({ text: '/wait', owner: OWNER })];
      await runs.shutdown('shutdown');
      expect(runs.activeRunCount).toBe(0);
      for (const run of all) await expect(run.done).resolves.toMatchObject({ status: 'cancelled' });
    });

    it('refuses new runs once shutting down, with unavailable', async () => {
      const { runs } = setup();
      await runs.shutdown('shutdown');
      expect(() => runs.startRun({ text: 'late', owner: OWNER })).toThrow(
        expect.objectContaining({ code: 'unavailable' }),
      );
    });
  });

  describe('lost runs', () => {
    const lose = async (runs: RunManager, text: string) => {
      // stop-after=2: the run ends on the server, but its end is never journaled or sent.
      const run = runs.startRun({ text: `/fault stop-after=2; ${text}`, owner: OWNER });
      await run.done;
      return run;
    };

    it('closes a run whose end was lost when its thread is read, as interrupted, once', async () => {
      const { runs } = setup({ faults: true });
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

    it('closes it before the thread continues, so the next run follows an ended one', async () => {
      const { runs } = setup({ faults: true });
      const lost = await lose(runs, 'hi');
      const next = runs.startRun({ threadId: lost.threadId, text: 'again', owner: OWNER });
      await next.done;
      const types = runs.framesAfter(lost.threadId, 0).map((frame) => (JSON.parse(frame) as RunEvent).type);
      expect(types.slice(2, 4)).toEqual(['agent_completed', 'agent_started']);
    });

    it('leaves a running run, and one whose delayed events are still on the way, alone', async () => {
      const { runs } = setup({ faults: true });
      const waiting = runs.startRun({ text: '/wait', owner: OWNER });
      expect(runs.framesAfter(waiting.threadId, 0).map((frame) => JSON.parse(frame).type)).toEqual(['agent_started']);
      runs.cancel(waiting.runId, OWNER);
      await waiting.done;
      const delayed = runs.startRun({ text: '/fault delay=200; hi', owner: OWNER });
      await delayed.done;
      expect(runs.framesAfter(delayed.threadId, 0)).toEqual([]);
      await vi.waitFor(() => expect(runs.framesAfter(delayed.threadId, 0)).toHaveLength(4));
      const last = JSON.parse(runs.framesAfter(delayed.threadId, 0).at(-1) ?? '{}') as RunEvent;
      expect(last.payload).toMatchObject({ status: 'success' });
    });
  });
});
