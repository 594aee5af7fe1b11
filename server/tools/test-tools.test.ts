/** Tests for the scenario-only sleep and fail tools: progress, abort and failure. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failTool, sleepTool } from './test-tools';
import type { ToolContext } from './tool';

function contextWith(signal = new AbortController().signal) {
  const reports: { fraction: number; message: string | undefined }[] = [];
  const context: ToolContext = { signal, progress: (fraction, message) => reports.push({ fraction, message }) };
  return { context, reports };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('sleepTool', () => {
  it('is named sleep and validates its args', () => {
    expect(sleepTool.name).toBe('sleep');
    expect(sleepTool.args.safeParse({ ms: 0 }).success).toBe(true);
    expect(sleepTool.args.safeParse({ ms: 60_000 }).success).toBe(true);
    expect(sleepTool.args.safeParse({ ms: 60_001 }).success).toBe(false);
    expect(sleepTool.args.safeParse({ ms: -1 }).success).toBe(false);
    expect(sleepTool.args.safeParse({ ms: 1.5 }).success).toBe(false);
    expect(sleepTool.args.safeParse({}).success).toBe(false);
  });

  it('sleeps, reporting progress monotonic in (0, 1] and ending at 1', async () => {
    const { context, reports } = contextWith();
    const started = performance.now();
    await expect(sleepTool.execute({ ms: 200 }, context)).resolves.toEqual({ sleptMs: 200 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect(reports.length).toBeGreaterThanOrEqual(3);
    for (const [i, { fraction }] of reports.entries()) {
      expect(fraction).toBeGreaterThan(0);
      expect(fraction).toBeLessThanOrEqual(1);
      if (i > 0) expect(fraction).toBeGreaterThan(reports[i - 1]?.fraction ?? 0);
    }
    expect(reports.at(-1)).toEqual({ fraction: 1, message: 'slept 200 of 200 ms' });
  });

  it('reports about every 10% of a short sleep and at least every 250 ms of a long one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    const short = contextWith();
    const shortSleep = sleepTool.execute({ ms: 1000 }, short.context);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(shortSleep).resolves.toEqual({ sleptMs: 1000 });
    expect(short.reports.map((r) => r.fraction)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);

    const long = contextWith();
    const longSleep = sleepTool.execute({ ms: 10_000 }, long.context);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(longSleep).resolves.toEqual({ sleptMs: 10_000 });
    expect(long.reports).toHaveLength(40);
    expect(long.reports[0]).toEqual({ fraction: 0.025, message: 'slept 250 of 10000 ms' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves at once for 0 ms', async () => {
    const { context, reports } = contextWith();
    await expect(sleepTool.execute({ ms: 0 }, context)).resolves.toEqual({ sleptMs: 0 });
    expect(reports).toEqual([{ fraction: 1, message: 'slept 0 of 0 ms' }]);
  });

  it('rejects promptly with the abort reason and clears its timers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    const controller = new AbortController();
    const { context, reports } = contextWith(controller.signal);
    const sleeping = sleepTool.execute({ ms: 60_000 }, context);
    await vi.advanceTimersByTimeAsync(600);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    const count = reports.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(reports).toHaveLength(count);
  });

  it('honours an abort at once, without waiting for its timer', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const sleeping = sleepTool.execute({ ms: 30_000 }, contextWith(controller.signal).context);
      await vi.advanceTimersByTimeAsync(20);
      controller.abort();
      // No more time passes: only the abort can settle it.
      await expect(sleeping).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects at once when already aborted', async () => {
    const { context, reports } = contextWith(AbortSignal.abort('stop'));
    await expect(sleepTool.execute({ ms: 1000 }, context)).rejects.toBe('stop');
    expect(reports).toEqual([]);
  });
});

describe('failTool', () => {
  it('is named fail and validates its args', () => {
    expect(failTool.name).toBe('fail');
    expect(failTool.args.safeParse({ message: 'boom' }).success).toBe(true);
    expect(failTool.args.safeParse({ message: 'boom', afterMs: 10 }).success).toBe(true);
    expect(failTool.args.safeParse({ message: 'x'.repeat(1001) }).success).toBe(false);
    expect(failTool.args.safeParse({ message: 'boom', afterMs: 60_001 }).success).toBe(false);
    expect(failTool.args.safeParse({}).success).toBe(false);
  });

  it('throws an Error with the message', async () => {
    const { context } = contextWith();
    const failing = failTool.execute({ message: 'boom' }, context);
    await expect(failing).rejects.toBeInstanceOf(Error);
    await expect(failing).rejects.toThrow('boom');
  });

  it('waits afterMs before throwing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    let settled = false;
    const failing = failTool.execute({ message: 'late', afterMs: 500 }, contextWith().context);
    failing.catch(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(499);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(failing).rejects.toThrow('late');
  });

  it('rejects with the abort reason while waiting', async () => {
    const controller = new AbortController();
    const failing = failTool.execute({ message: 'late', afterMs: 10_000 }, contextWith(controller.signal).context);
    controller.abort(new Error('cancelled'));
    await expect(failing).rejects.toThrow('cancelled');
  });
});
