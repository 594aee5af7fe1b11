/** Threads with a resume replay under way, counted: retention leaves them alone, so a replay never skips. */
export class ThreadReaders {
  readonly #readers = new Map<string, number>();

  /** Marks the thread as read until the returned function is called (once). */
  begin(threadId: string): () => void {
    this.#readers.set(threadId, (this.#readers.get(threadId) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.#readers.get(threadId) ?? 1) - 1;
      if (left > 0) this.#readers.set(threadId, left);
      else this.#readers.delete(threadId);
    };
  }

  isReading(threadId: string): boolean {
    return this.#readers.has(threadId);
  }
}
