/**
 * ReplayGate: at most a few resume replays per user at once, the rest waiting
 * their turn in order. A replay reads the journal and fills a socket's send
 * buffer; without a gate, one user's many sockets could replay a huge thread
 * side by side and crowd everyone else out of the disk and the event loop.
 */
import { RunRejectedError } from '../runtime/run-rejected-error';

/** Replays one user may run at once. */
const DEFAULT_MAX_REPLAYS_PER_USER = 2;
/** Replays one user may have waiting; more are refused with rate_limited. */
const DEFAULT_MAX_WAITING_REPLAYS_PER_USER = 32;

export interface ReplayGateOptions {
  /** @default DEFAULT_MAX_REPLAYS_PER_USER (2) */
  maxActive?: number;
  /** @default DEFAULT_MAX_WAITING_REPLAYS_PER_USER (32) */
  maxWaiting?: number;
}

/** Gives the slot back; calling it twice is harmless. */
export type ReleaseReplay = () => void;

interface UserSlots {
  active: number;
  waiting: (() => void)[];
}

export class ReplayGate {
  readonly maxActive: number;
  readonly maxWaiting: number;
  readonly #users = new Map<string, UserSlots>();

  constructor(options: ReplayGateOptions = {}) {
    this.maxActive = options.maxActive ?? DEFAULT_MAX_REPLAYS_PER_USER;
    this.maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING_REPLAYS_PER_USER;
  }

  /** Throws rate_limited when the user already has as many replays waiting as it may. */
  checkRoom(userId: string): void {
    const slots = this.#users.get(userId);
    if (slots && slots.active >= this.maxActive && slots.waiting.length >= this.maxWaiting) {
      const message = `too many replays for this user: ${this.maxActive} at once and ${this.maxWaiting} waiting; resume later`;
      throw new RunRejectedError('rate_limited', message);
    }
  }

  /**
   * Resolves with a slot when one is free (call `checkRoom` first: past it, the
   * wait is refused). Aborting `signal` while waiting gives up the place and rejects.
   */
  acquire(userId: string, signal?: AbortSignal): Promise<ReleaseReplay> {
    this.checkRoom(userId);
    const slots = this.#users.get(userId) ?? { active: 0, waiting: [] };
    this.#users.set(userId, slots);
    if (slots.active < this.maxActive) {
      slots.active += 1;
      return Promise.resolve(this.#releaser(userId, slots));
    }
    return new Promise((resolve, reject) => {
      // The slot passes straight from the releaser to the next waiter: `active` stays counted.
      const take = () => {
        signal?.removeEventListener('abort', giveUp);
        resolve(this.#releaser(userId, slots));
      };
      const giveUp = () => {
        slots.waiting.splice(slots.waiting.indexOf(take), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', giveUp, { once: true });
      slots.waiting.push(take);
    });
  }

  /** Replays waiting for a slot, all users together (for tests and stats). */
  get waitingCount(): number {
    let total = 0;
    for (const slots of this.#users.values()) total += slots.waiting.length;
    return total;
  }

  /** Replays running now, all users together (for tests and stats). */
  get activeCount(): number {
    let total = 0;
    for (const slots of this.#users.values()) total += slots.active;
    return total;
  }

  #releaser(userId: string, slots: UserSlots): ReleaseReplay {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slots.waiting.shift();
      if (next) return next();
      slots.active -= 1;
      if (slots.active === 0) this.#users.delete(userId);
    };
  }
}
