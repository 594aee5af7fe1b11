import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkRunLifecycle, type PayloadOf, type RunEvent, type RunEventType } from '../../protocol';
import { defineTool } from '../tools/tool';
import type { Agent } from './agent';
import { RunContext } from './run-context';
import { ToolDispatcher } from './tool-dispatcher';

const slow = defineTool({
  name: 'slow',
  description: 'waits until aborted',
  args: z.object({}),
  execute: (_args, { signal }) =>
    new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
});
const ok = defineTool({ name: 'ok', description: 'returns 1', args: z.object({}), execute: () => 1 });

function harness() {
  const events: RunEvent[] = [];
  const context = new RunContext({
    threadId: 'th-1',
    runId: 'r-1',
    input: 'hello',
    dispatcher: new ToolDispatcher([slow, ok]),
    emit: <T extends RunEventType>(type: T, payload: PayloadOf<T>) => {
      events.push({
        type,
        threadId: 'th-1',
        runId: 'r-1',
        seq: events.length + 1,
        ts: Date.now(),
        payload,
      } as RunEvent);
    },
  });
  return { context, events, types: () => events.map((event) => event.type) };
}

const agent = (run: Agent['run']): Agent => ({ name: 'test', description: 'test agent', run });

describe('RunContext', () => {
  describe('#execute', () => {
    it('opens with agent_started and closes with agent_completed carrying the streamed text', async () => {
      const { context, events, types } = harness();
      const summary = await context.execute(
        agent(async (ctx) => {
          ctx.think('step one');
          await ctx.callTool('ok', {});
          ctx.stream('Hello, ');
          ctx.stream('world');
        }),
      );
      expect(types()).toEqual([
        'agent_started',
        'agent_thinking',
        'tool_executing',
        'tool_completed',
        'partial_result',
        'partial_result',
        'agent_completed',
      ]);
      expect(summary).toMatchObject({ status: 'success', text: 'Hello, world' });
      expect(events.at(-1)?.payload).toMatchObject({ status: 'success', text: 'Hello, world' });
      expect(checkRunLifecycle(events)).toEqual([]);
    });

    it('completes as failed with the error when the agent throws', async () => {
      const { context, events } = harness();
      const summary = await context.execute(
        agent(async () => {
          throw new Error('model unavailable');
        }),
      );
      expect(summary).toMatchObject({ status: 'failed', error: 'model unavailable' });
      expect(checkRunLifecycle(events)).toEqual([]);
    });

    it('completes a tool the agent did not await before agent_completed', async () => {
      const { context, events, types } = harness();
      await context.execute(
        agent(async (ctx) => {
          void ctx.callTool('slow', {});
        }),
      );
      expect(types()).toEqual(['agent_started', 'tool_executing', 'tool_completed', 'agent_completed']);
      expect(events[2]?.payload).toMatchObject({ status: 'error', error: 'run finished before the tool completed' });
      expect(checkRunLifecycle(events)).toEqual([]);
    });

    it('refuses new tool calls from detached agent code once the agent has returned', async () => {
      const { context, events } = harness();
      let lateCall: Promise<unknown> | undefined;
      await context.execute(
        agent(async (ctx) => {
          lateCall = ctx.callTool('slow', {}).then(() => ctx.callTool('ok', {}));
        }),
      );
      await expect(lateCall).rejects.toThrow(/has completed/);
      expect(checkRunLifecycle(events)).toEqual([]);
    });

    it('ends a run whose agent ignores the cancel signal', async () => {
      const { context, events } = harness();
      const done = context.execute(agent(() => new Promise<void>(() => {})));
      context.cancel();
      await expect(done).resolves.toMatchObject({ status: 'cancelled' });
      expect(checkRunLifecycle(events)).toEqual([]);
    });

    it('does not leave a listener on its signal for the wait on the agent once the agent has returned', async () => {
      const { context } = harness();
      const before = getEventListeners(context.signal, 'abort').length;
      await context.execute(agent(async () => {}));
      expect(getEventListeners(context.signal, 'abort')).toHaveLength(before);
    });

    it('refuses to emit once the run has completed', async () => {
      const { context } = harness();
      await context.execute(agent(async () => {}));
      expect(() => context.think('late')).toThrow(/has completed/);
      expect(() => context.stream('late')).toThrow(/has completed/);
    });
  });

  describe('#runOwnTool', () => {
    it('brackets a tool the agent brings with tool_executing and tool_completed under its own name', async () => {
      const { context, events, types } = harness();
      const recorded = defineTool({
        name: 'web_search',
        description: 'a replayed tool',
        args: z.object({ q: z.string() }),
        execute: () => ({ hits: 3 }),
      });
      await context.execute(agent(async (ctx) => void (await ctx.runOwnTool(recorded, { q: 'ws' }))));
      expect(types()).toEqual(['agent_started', 'tool_executing', 'tool_completed', 'agent_completed']);
      expect(events[2]?.payload).toMatchObject({ toolName: 'web_search', status: 'success', result: { hits: 3 } });
      expect(checkRunLifecycle(events)).toEqual([]);
    });
  });

  describe('#cancel', () => {
    it('ends a run blocked on a tool as cancelled, with the tool completed as an error', async () => {
      const { context, events, types } = harness();
      const done = context.execute(agent((ctx) => ctx.callTool('slow', {}).then(() => ctx.pause(10_000))));
      context.cancel();
      const summary = await done;
      expect(summary.status).toBe('cancelled');
      expect(types()).toEqual(['agent_started', 'tool_executing', 'tool_completed', 'agent_completed']);
      expect(events[2]?.payload).toMatchObject({ status: 'error', error: 'cancelled by user' });
      expect(checkRunLifecycle(events)).toEqual([]);
    });

    it('ends a pausing run as cancelled', async () => {
      const { context } = harness();
      const done = context.execute(agent((ctx) => ctx.pause(10_000)));
      context.cancel();
      await expect(done).resolves.toMatchObject({ status: 'cancelled' });
    });
  });

  describe('#fail', () => {
    it('ends the run as failed with the error, its open tool call completed as an error first', async () => {
      const { context, events, types } = harness();
      const done = context.execute(agent((ctx) => ctx.callTool('slow', {}).then(() => ctx.pause(10_000))));
      const error = 'the server could not save this run (the disk is full); it was stopped';
      context.fail(error);
      await expect(done).resolves.toMatchObject({ status: 'failed', error });
      expect(types()).toEqual(['agent_started', 'tool_executing', 'tool_completed', 'agent_completed']);
      expect(events[2]?.payload).toMatchObject({ status: 'error', error });
      expect(events[3]?.payload).toMatchObject({ status: 'failed', error });
      expect(checkRunLifecycle(events)).toEqual([]);
    });

    it('wins over a cancel that is still settling, and does nothing once the run has completed', async () => {
      const { context, events } = harness();
      const done = context.execute(agent(() => new Promise<void>(() => {})));
      context.cancel();
      context.fail('cannot save');
      await expect(done).resolves.toMatchObject({ status: 'failed', error: 'cannot save' });
      context.fail('too late');
      expect(events.filter((event) => event.type === 'agent_completed')).toHaveLength(1);
    });
  });

  describe('keep-alive', () => {
    it('repeats the current thought while the agent is silent, and stops when the run ends', async () => {
      const events: RunEvent[] = [];
      const context = new RunContext({
        threadId: 'th-1',
        runId: 'r-1',
        input: 'hi',
        dispatcher: new ToolDispatcher(),
        keepAliveMs: 30,
        emit: <T extends RunEventType>(type: T, payload: PayloadOf<T>) => {
          events.push({ type, threadId: 'th-1', runId: 'r-1', seq: events.length + 1, ts: 0, payload } as RunEvent);
        },
      });
      await context.execute(
        agent(async (ctx) => {
          ctx.think('waiting on the model', { totalSteps: 3 });
          await ctx.pause(120);
        }),
      );
      const thoughts = events.filter((event) => event.type === 'agent_thinking').map((event) => event.payload);
      expect(thoughts.length).toBeGreaterThanOrEqual(3);
      const [first, ...keepAlives] = thoughts;
      expect(first).toEqual({ thought: 'waiting on the model', step: 1, totalSteps: 3 });
      // Flagged, so no client mistakes a repeat for a new thought.
      for (const thought of keepAlives)
        expect(thought).toEqual({ thought: 'waiting on the model', step: 1, totalSteps: 3, keepAlive: true });
      expect(events.at(-1)?.type).toBe('agent_completed');
      expect(checkRunLifecycle(events)).toEqual([]);
    });
  });

  describe('#think', () => {
    it('numbers steps from 1 and passes totalSteps through', async () => {
      const { context, events } = harness();
      await context.execute(
        agent(async (ctx) => {
          ctx.think('a', { totalSteps: 2 });
          ctx.think('b', { totalSteps: 2 });
        }),
      );
      const thoughts = events.filter((event) => event.type === 'agent_thinking').map((event) => event.payload);
      expect(thoughts).toEqual([
        { thought: 'a', step: 1, totalSteps: 2 },
        { thought: 'b', step: 2, totalSteps: 2 },
      ]);
    });
  });
});
