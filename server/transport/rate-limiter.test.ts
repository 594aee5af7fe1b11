import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  describe('#tryTake', () => {
    it('allows a burst, refuses beyond it, then refills at the rate', () => {
      let now = 0;
      const limiter = new RateLimiter({ ratePerSecond: 10, burst: 3, now: () => now });
      expect([limiter.tryTake(), limiter.tryTake(), limiter.tryTake(), limiter.tryTake()]).toEqual([
        true,
        true,
        true,
        false,
      ]);
      now += 100; // one token at 10/s
      expect([limiter.tryTake(), limiter.tryTake()]).toEqual([true, false]);
      now += 10_000; // refills to the burst, not beyond
      expect(Array.from({ length: 4 }, () => limiter.tryTake())).toEqual([true, true, true, false]);
    });
  });
});

describe('KeyedRateLimiter', () => {
  it('gives each key its own bucket, and says when a refused key may act again', () => {
    let now = 0;
    const limiter = new KeyedRateLimiter({ ratePerSecond: 2, burst: 2, now: () => now });
    expect([limiter.tryTake('a'), limiter.tryTake('a'), limiter.tryTake('a')]).toEqual([true, true, false]);
    expect(limiter.tryTake('b')).toBe(true);
    expect(limiter.retryAfterMs('a')).toBe(500);
    now += 500;
    expect(limiter.tryTake('a')).toBe(true);
  });

  it('forgets full buckets past maxKeys, never a key that is being held back', () => {
    let now = 0;
    const limiter = new KeyedRateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 2, now: () => now });
    expect(limiter.tryTake('spent')).toBe(true);
    now += 2_000;
    expect(limiter.tryTake('refilled')).toBe(true);
    now += 500; // 'spent' is full again; 'refilled' is half
    expect(limiter.tryTake('new')).toBe(true);
    expect(limiter.tryTake('refilled')).toBe(false);
  });

  it('stays within maxKeys even when no bucket is full, forgetting the oldest', () => {
    const limiter = new KeyedRateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 2, now: () => 0 });
    for (const key of ['a', 'b', 'c']) expect(limiter.tryTake(key)).toBe(true);
    expect(limiter.retryAfterMs('a')).toBe(0); // forgotten: a fresh bucket
    expect(limiter.retryAfterMs('c')).toBe(1_000);
  });
});
