/**
 * Token-bucket rate limiter for client messages on one connection: a steady
 * rate with a burst allowance, so a flood is refused without punishing a user
 * who sends a few messages in quick succession.
 */

/** Messages per second a connection may send on average. */
const DEFAULT_MESSAGE_RATE = 20;
/** Messages a connection may send at once before the rate applies. */
const DEFAULT_MESSAGE_BURST = 40;

export interface RateLimiterOptions {
  /** Tokens added per second. @default DEFAULT_MESSAGE_RATE (20) */
  ratePerSecond?: number;
  /** Bucket size. @default DEFAULT_MESSAGE_BURST (40) */
  burst?: number;
  /** Milliseconds clock. @default performance.now */
  now?: () => number;
}

export class RateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(options: RateLimiterOptions = {}) {
    this.ratePerSecond = options.ratePerSecond ?? DEFAULT_MESSAGE_RATE;
    this.burst = options.burst ?? DEFAULT_MESSAGE_BURST;
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = this.burst;
    this.#updatedAt = this.#now();
  }

  /** Takes one token; false means the message must be refused. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is there (0 when one is). */
  get retryAfterMs(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / this.ratePerSecond) * 1000;
  }

  /** The bucket is full: it remembers nothing a fresh one would not. */
  get isFull(): boolean {
    this.#refill();
    return this.#tokens >= this.burst;
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#updatedAt) / 1000) * this.ratePerSecond);
    this.#updatedAt = now;
  }
}

export interface KeyedRateLimiterOptions extends RateLimiterOptions {
  /** Keys remembered at most; full buckets (which a fresh one would equal) are forgotten first. @default 10,000 */
  maxKeys?: number;
}

/** One token bucket per key (a user, an address), shared by everything that key does. */
export class KeyedRateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly #options: KeyedRateLimiterOptions;
  readonly #buckets = new Map<string, RateLimiter>();

  constructor(options: KeyedRateLimiterOptions = {}) {
    this.#options = options;
    this.ratePerSecond = options.ratePerSecond ?? DEFAULT_MESSAGE_RATE;
    this.burst = options.burst ?? DEFAULT_MESSAGE_BURST;
  }

  tryTake(key: string): boolean {
    return this.#bucket(key).tryTake();
  }

  /** Milliseconds until `key` may act again (0 when it may now). */
  retryAfterMs(key: string): number {
    return this.#buckets.get(key)?.retryAfterMs ?? 0;
  }

  #bucket(key: string): RateLimiter {
    let bucket = this.#buckets.get(key);
    if (bucket) return bucket;
    const maxKeys = this.#options.maxKeys ?? 10_000;
    if (this.#buckets.size >= maxKeys) {
      for (const [kept, old] of this.#buckets) if (old.isFull) this.#buckets.delete(kept);
      // Still full (every key busy): forget the oldest, so the map stays bounded whatever the traffic.
      for (const kept of this.#buckets.keys()) {
        if (this.#buckets.size < maxKeys) break;
        this.#buckets.delete(kept);
      }
    }
    bucket = new RateLimiter({ ratePerSecond: this.ratePerSecond, burst: this.burst, now: this.#options.now });
    this.#buckets.set(key, bucket);
    return bucket;
  }
}
