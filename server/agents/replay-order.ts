/**
 * Replay order: which of a replay's events have been emitted, so each one
 * waits for every event recorded before it, however fast the replay plays.
 * Orders may complete out of turn (a tool call that ended early releases the
 * orders it will never emit); `reached(n)` waits for all orders below n.
 */
import { abortableWait } from '../runtime/abortable-wait';

interface Waiter {
  target: number;
  resolve: () => void;
}

export class ReplayOrder {
  readonly #done = new Set<number>();
  #next = 0;
  #waiters: Waiter[] = [];

  /** Marks an order as emitted (or as never to be emitted). */
  complete(order: number): void {
    if (order < this.#next) return;
    this.#done.add(order);
    while (this.#done.delete(this.#next)) this.#next += 1;
    const ready = this.#waiters.filter((waiter) => waiter.target <= this.#next);
    this.#waiters = this.#waiters.filter((waiter) => waiter.target > this.#next);
    for (const waiter of ready) waiter.resolve();
  }

  /**
   * Resolves once every order below `target` is complete (at once if it is, even
   * after an abort); otherwise rejects with the signal's reason on abort.
   */
  reached(target: number, signal: AbortSignal): Promise<void> {
    if (target <= this.#next) return Promise.resolve();
    const waiter: Waiter = { target, resolve: () => {} };
    const reached = new Promise<void>((resolve) => {
      waiter.resolve = resolve;
    });
    this.#waiters.push(waiter);
    return abortableWait(reached, signal).catch((reason: unknown) => {
      // A cancelled wait must not hold on to its waiter until the replay ends.
      this.#waiters = this.#waiters.filter((candidate) => candidate !== waiter);
      throw reason;
    });
  }
}
