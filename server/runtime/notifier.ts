/**
 * ThreadNotifier: delivers each event of a thread to the sockets subscribed to
 * that thread. The caller serializes an event once, however many sockets
 * receive it.
 */

export interface EventSubscriber {
  /** Sends one serialized frame; must not throw for a closed socket. */
  send(frame: string): void;
}

export class ThreadNotifier {
  readonly #subscribers = new Map<string, Set<EventSubscriber>>();

  /** Subscribes to a thread; returns the function that unsubscribes. */
  subscribe(threadId: string, subscriber: EventSubscriber): () => void {
    let set = this.#subscribers.get(threadId);
    if (!set) {
      set = new Set();
      this.#subscribers.set(threadId, set);
    }
    set.add(subscriber);
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

  subscriberCount(threadId: string): number {
    return this.#subscribers.get(threadId)?.size ?? 0;
  }
}
