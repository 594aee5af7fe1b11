/**
 * The caps on runs in progress: per owner (a user, across all its sockets),
 * and for the whole server, so many users (or many guests of one) cannot take
 * every CPU slot from the rest. Over either, a run is refused as rate_limited.
 */
import { RunRejectedError } from './run-rejected-error';

/** Runs one owner may have in progress at once. */
export const DEFAULT_MAX_CONCURRENT_RUNS = 4;
/** Runs the whole server may have in progress at once, all owners together. */
const DEFAULT_MAX_ACTIVE_RUNS = 200;

export interface RunAdmissionOptions {
  /** @default DEFAULT_MAX_CONCURRENT_RUNS (4) */
  maxConcurrentRuns?: number;
  /** @default DEFAULT_MAX_ACTIVE_RUNS (200) */
  maxActiveRuns?: number;
}

export class RunAdmission {
  readonly #maxPerOwner: number;
  readonly #maxActive: number;
  readonly #activeByOwner = new Map<string, number>();
  #active = 0;

  constructor(options: RunAdmissionOptions = {}) {
    this.#maxPerOwner = options.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS;
    this.#maxActive = options.maxActiveRuns ?? DEFAULT_MAX_ACTIVE_RUNS;
  }

  /** Throws RunRejectedError (rate_limited) when `owner` may not start a run now. */
  check(owner: string): void {
    if ((this.#activeByOwner.get(owner) ?? 0) >= this.#maxPerOwner) {
      throw new RunRejectedError('rate_limited', `at most ${this.#maxPerOwner} runs may be in progress at once`);
    }
    if (this.#active >= this.#maxActive) {
      throw new RunRejectedError(
        'rate_limited',
        `the server is running ${this.#maxActive} runs, its most at once; try again when one ends`,
      );
    }
  }

  /** Counts a run of `owner`'s as started; returns the function that counts it as ended (once). */
  take(owner: string): () => void {
    this.#active += 1;
    this.#activeByOwner.set(owner, (this.#activeByOwner.get(owner) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active -= 1;
      const remaining = (this.#activeByOwner.get(owner) ?? 1) - 1;
      if (remaining > 0) this.#activeByOwner.set(owner, remaining);
      else this.#activeByOwner.delete(owner);
    };
  }
}
