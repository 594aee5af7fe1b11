/**
 * ThreadNotifier: delivers each event of a thread to the sockets subscribed to
 * that thread. The caller serializes an event once, however many sockets
 * receive it. It also carries notices: out-of-band messages about a thread
 * (not run events: no seq, never journaled), such as "this run failed because
 * the server cannot save it", which must reach users while events cannot.
 */

export interface EventSubscriber {
  /** Sends one serialized frame; must not throw for a closed socket. */
  send(frame: string): void;
}

export class ThreadNotifier {
  readonly #subscribers = new Map<string, Set<EventSubscriber>>();
  /** Standing notices by thread, then by key (e.g. a run id), until cleared. */
  readonly #notices = new Map<string, Map<string, string>>();

  /**
   * Subscribes to a thread; returns the function that unsubscribes. Standing
   * notices of the thread follow on the next microtask, so they come after
   * whatever the caller sends in the same synchronous step (a resume's replay).
   */
  subscribe(threadId: string, subscriber: EventSubscriber): () => void {
    let set = this.#subscribers.get(threadId);
    if (!set) {
      set = new Set();
      this.#subscribers.set(threadId, set);
    }
    set.add(subscriber);
    if (this.#notices.has(threadId)) {
      queueMicrotask(() => {
        if (!this.#subscribers.get(threadId)?.has(subscriber)) return;
        for (const frame of this.#notices.get(threadId)?.values() ?? []) subscriber.send(frame);
      });
    }
    return () => {
      const current = this.#subscribers.get(threadId);
      if (!current) return;
      current.delete(subscriber);
      if (current.size === 0) this.#subscribers.delete(threadId);
    };
  }

  publish(threadId: string, frame: string): void {
    const subscribers = this.#subscribers.get(threadId);
    if (!subscribers) return;
    for (const subscriber of subscribers) subscriber.send(frame);
  }

  /**
   * Sends a notice to the thread's subscribers now, and keeps it for sockets
   * that subscribe later (a page reconnecting during an outage) until cleared.
   * A second notice with the same key replaces the first for later subscribers.
   */
  notice(threadId: string, key: string, frame: string): void {
    let notices = this.#notices.get(threadId);
    if (!notices) {
      notices = new Map();
      this.#notices.set(threadId, notices);
    }
    notices.set(key, frame);
    this.publish(threadId, frame);
  }

  /** Drops every standing notice (what they reported is over). */
  clearNotices(): void {
    this.#notices.clear();
  }

  subscriberCount(threadId: string): number {
    return this.#subscribers.get(threadId)?.size ?? 0;
  }
}
