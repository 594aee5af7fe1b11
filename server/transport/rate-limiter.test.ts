import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  describe('#tryTake', () => {
    it('should allow a burst, refuse beyond it, then refill at the rate', () => {
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
