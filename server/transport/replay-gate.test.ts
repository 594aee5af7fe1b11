import { describe, expect, it } from 'vitest';
import { ReplayGate } from './replay-gate';

describe('ReplayGate', () => {
  it('lets maxActive replays of a user run, queues the next in order, and refuses past maxWaiting', async () => {
    const gate = new ReplayGate({ maxActive: 1, maxWaiting: 2 });
    const order: string[] = [];
    const first = await gate.acquire('u');
    const second = gate.acquire('u').then((release) => {
      order.push('second');
      return release;
    });
    const third = gate.acquire('u').then((release) => {
      order.push('third');
      return release;
    });
    expect(() => gate.acquire('u')).toThrow(expect.objectContaining({ code: 'rate_limited' }));
    const other = await gate.acquire('someone else'); // a user's queue never holds back another's
    expect(gate.activeCount).toBe(2);

    first();
    first(); // a second release does not free a second slot
    (await second)();
    (await third)();
    other();
    expect(order).toEqual(['second', 'third']);
    expect(gate.activeCount).toBe(0);
  });

  it('drops a waiter whose socket closed, so it neither holds a place nor takes a slot', async () => {
    const gate = new ReplayGate({ maxActive: 1, maxWaiting: 1 });
    const first = await gate.acquire('u');
    const closed = new AbortController();
    const waiting = gate.acquire('u', closed.signal);
    expect(() => gate.checkRoom('u')).toThrow(/too many replays/);
    closed.abort(new Error('socket closed'));
    await expect(waiting).rejects.toThrow('socket closed');
    expect(gate.waitingCount).toBe(0);
    const next = gate.acquire('u');
    first();
    (await next)();
    expect(gate.activeCount).toBe(0);
  });
});
