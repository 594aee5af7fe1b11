/** Tests for abortableWait: its timer, its promise race, its abort contract and what it leaves behind. */
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { abortableWait } from './abortable-wait';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** Whether `promise` has settled, without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('abortableWait', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  describe('with a number of milliseconds', () => {
    it('resolves once the delay has passed, and not before', async () => {
      const waiting = abortableWait(1000, new AbortController().signal);
      await vi.advanceTimersByTimeAsync(999);
      expect(await settled(waiting)).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await expect(waiting).resolves.toBeUndefined();
    });

    it('treats a negative delay (a replay running late) as 0, which newer Node versions warn about', async () => {
      const schedule = vi.spyOn(globalThis, 'setTimeout');
      const waiting = abortableWait(-50, new AbortController().signal);
      expect(schedule).toHaveBeenCalledWith(expect.any(Function), 0);
      await vi.advanceTimersByTimeAsync(0);
      expect(await settled(waiting)).toBe(true);
    });

    it("rejects with the signal's reason as soon as it aborts, clearing its timer", async () => {
      const controller = new AbortController();
      const waiting = abortableWait(60_000, controller.signal);
      const reason = new Error('cancelled');
      controller.abort(reason);
      // No time passes: only the abort can settle it.
      await expect(waiting).rejects.toBe(reason);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('rejects with the reason of an already-aborted signal, starting no timer and adding no listener', async () => {
      const controller = new AbortController();
      controller.abort('stop');
      const waiting = abortableWait(1000, controller.signal);
      expect(vi.getTimerCount()).toBe(0);
      expect(listeners(controller.signal)).toBe(0);
      await expect(waiting).rejects.toBe('stop');
    });

    it('removes its abort listener once it resolves', async () => {
      const controller = new AbortController();
      const waiting = abortableWait(10, controller.signal);
      expect(listeners(controller.signal)).toBe(1);
      await vi.advanceTimersByTimeAsync(10);
      await waiting;
      expect(listeners(controller.signal)).toBe(0);
    });

    it('removes its abort listener once it rejects', async () => {
      const controller = new AbortController();
      const waiting = abortableWait(10, controller.signal);
      controller.abort(new Error('cancelled'));
      await expect(waiting).rejects.toThrow('cancelled');
      expect(listeners(controller.signal)).toBe(0);
    });
  });

  describe('with a promise', () => {
    it('settles as the promise does while the signal is live, then drops its listener', async () => {
      const controller = new AbortController();
      await expect(abortableWait(Promise.resolve('value'), controller.signal)).resolves.toBe('value');
      await expect(abortableWait(Promise.reject(new Error('failed')), controller.signal)).rejects.toThrow('failed');
      expect(listeners(controller.signal)).toBe(0);
    });

    it("rejects with the signal's reason when it aborts before the promise settles", async () => {
      const controller = new AbortController();
      const waiting = abortableWait(new Promise<never>(() => {}), controller.signal);
      const reason = new Error('cancelled');
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
      expect(listeners(controller.signal)).toBe(0);
    });

    it('rejects at once when the signal has already aborted, even if the promise has settled', async () => {
      await expect(abortableWait(Promise.resolve('late'), AbortSignal.abort('stop'))).rejects.toBe('stop');
    });

    it('keeps the late failure of work it gave up on from going unhandled', async () => {
      const unhandled: unknown[] = [];
      const record = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', record);
      try {
        let fail: (error: Error) => void = () => {};
        const work = new Promise<never>((_, reject) => {
          fail = reject;
        });
        await expect(abortableWait(work, AbortSignal.abort('stop'))).rejects.toBe('stop');
        fail(new Error('failed after the abort'));
        // Unhandled rejections are reported after the microtask queue drains, on the next turn.
        await new Promise((resolve) => setImmediate(resolve));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', record);
      }
    });
  });
});
