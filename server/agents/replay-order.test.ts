import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ReplayOrder } from './replay-order';

const never = new AbortController().signal;

describe('ReplayOrder', () => {
  describe('#reached', () => {
    it('waits for every order below the target, even when they complete out of turn', async () => {
      const order = new ReplayOrder();
      const seen: string[] = [];
      const third = order.reached(2, never).then(() => seen.push('2 reached'));
      order.complete(1);
      await Promise.resolve();
      expect(seen).toEqual([]);
      order.complete(0);
      await third;
      expect(seen).toEqual(['2 reached']);
      await expect(order.reached(1, never)).resolves.toBeUndefined();
    });

    it("rejects with the signal's reason when the replay is cancelled", async () => {
      const order = new ReplayOrder();
      const cancel = new AbortController();
      const waiting = order.reached(5, cancel.signal);
      cancel.abort(new Error('run cancelled'));
      await expect(waiting).rejects.toThrow('run cancelled');
    });

    it('resolves a target already reached even after a cancel, and rejects at once for one not reached', async () => {
      const order = new ReplayOrder();
      order.complete(0);
      const cancelled = AbortSignal.abort(new Error('run cancelled'));
      await expect(order.reached(1, cancelled)).resolves.toBeUndefined();
      await expect(order.reached(2, cancelled)).rejects.toThrow('run cancelled');
    });

    it('drops its abort listener once the target is reached', async () => {
      const order = new ReplayOrder();
      const run = new AbortController();
      const waiting = order.reached(1, run.signal);
      expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
      order.complete(0);
      await waiting;
      expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
    });
  });
});
