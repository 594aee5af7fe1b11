import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestRunManager } from '../testing/run-manager-kit';
import type { Agent } from './agent';
import { AgentRegistry } from './agent-registry';
import { scheduleRetention } from './journal-retention';
import { ToolDispatcher } from './tool-dispatcher';

const DAY = 24 * 60 * 60 * 1000;
const hello: Agent = { name: 'hello', description: 'says hi', run: async (ctx) => ctx.stream('hi') };

function runsWithClock() {
  const clock = { now: 0 };
  const { runs } = createTestRunManager({
    registry: new AgentRegistry().register(hello, { isDefault: true }),
    dispatcher: new ToolDispatcher(),
    journal: { now: () => clock.now },
  });
  return { runs, clock };
}

describe('scheduleRetention', () => {
  afterEach(() => vi.useRealTimers());

  it('deletes threads past their age at each interval, after which continuing one answers not_found', async () => {
    const { runs, clock } = runsWithClock();
    const { threadId, done } = runs.startRun({ text: 'hi', owner: 'u-1' });
    await done;
    vi.useFakeTimers();
    const stop = scheduleRetention(runs, pino({ level: 'silent' }), { maxAgeDays: 1, intervalMs: 60_000 });
    expect(runs.hasThread(threadId)).toBe(true); // the pass at start found it young
    clock.now += 2 * DAY;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs.hasThread(threadId)).toBe(false);
    expect(() => runs.startRun({ threadId, text: 'again', owner: 'u-1' })).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
    stop();
  });

  it('leaves a thread alone while a replay reads it', async () => {
    const { runs, clock } = runsWithClock();
    const { threadId, done } = runs.startRun({ text: 'hi', owner: 'u-1' });
    await done;
    expect((await runs.applyRetention({ maxAgeDays: 1 })).threads).toEqual([]); // young (and now all committed)
    clock.now += 2 * DAY;
    const endRead = runs.beginRead(threadId);
    expect((await runs.applyRetention({ maxAgeDays: 1 })).threads).toEqual([]);
    endRead();
    expect((await runs.applyRetention({ maxAgeDays: 1 })).threads).toEqual([threadId]);
  });
});
