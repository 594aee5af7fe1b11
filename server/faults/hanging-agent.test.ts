import { describe, expect, it, vi } from 'vitest';
import { checkRunLifecycle, type PayloadOf, type RunEvent, type RunEventType } from '../../protocol';
import type { Agent } from '../runtime/agent';
import { RunContext } from '../runtime/run-context';
import { ToolDispatcher } from '../runtime/tool-dispatcher';
import { hangAfter } from './hanging-agent';

function context(events: RunEvent[], keepAliveMs = 2_000) {
  return new RunContext({
    threadId: 'th',
    runId: 'r',
    input: 'hi',
    keepAliveMs,
    dispatcher: new ToolDispatcher(),
    emit: <T extends RunEventType>(type: T, payload: PayloadOf<T>) => {
      events.push({ type, threadId: 'th', runId: 'r', seq: events.length + 1, ts: 0, payload } as RunEvent);
    },
  });
}

const chatty: Agent = {
  name: 'chatty',
  description: 'thinks, streams, pauses',
  async run(ctx) {
    ctx.think('one');
    ctx.stream('a');
    ctx.think('two');
    await ctx.pause(1);
    ctx.stream('b');
  },
};

describe('hangAfter', () => {
  it('stops the agent after n actions, keeps the run alive with keep-alives, and lets a cancel end it', async () => {
    vi.useFakeTimers();
    try {
      const events: RunEvent[] = [];
      const run = context(events, 100);
      const done = run.execute(hangAfter(chatty, 2));
      await vi.advanceTimersByTimeAsync(1_000);
      const real = events.filter((event) => !('keepAlive' in event.payload));
      expect(real.map((event) => event.type)).toEqual(['agent_started', 'agent_thinking', 'partial_result']);
      expect(events.filter((event) => 'keepAlive' in event.payload).length).toBeGreaterThan(3);
      run.cancel();
      await expect(done).resolves.toMatchObject({ status: 'cancelled' });
      expect(checkRunLifecycle(events)).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('hangs an agent that finishes its script, instead of letting it complete', async () => {
    vi.useFakeTimers();
    try {
      const events: RunEvent[] = [];
      const run = context(events);
      const done = run.execute(hangAfter(chatty, 99));
      await vi.advanceTimersByTimeAsync(10_000);
      expect(events.some((event) => event.type === 'agent_completed')).toBe(false);
      run.cancel();
      await expect(done).resolves.toMatchObject({ status: 'cancelled' });
    } finally {
      vi.useRealTimers();
    }
  });
});
