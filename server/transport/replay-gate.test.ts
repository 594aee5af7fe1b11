import { describe, expect, it } from 'vitest';
import { ReplayGate } from './replay-gate';

describe('ReplayGate', () => {
  it('should let maxActive replays of a user run, queue the next in order, and refuse past maxWaiting', async () => {
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
    await expect(gate.acquire('u')).rejects.toMatchObject({ code: 'rate_limited' });
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
});
