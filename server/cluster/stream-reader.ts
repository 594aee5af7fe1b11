/**
 * Live events from every node: one blocking XREAD per process, on its own
 * connection, over the streams of the threads this node's sockets follow. It
 * hands each new entry to `deliver` in seq order, once per thread, whichever
 * node wrote it. A thread followed for the first time joins the next read: a
 * wake-up entry on this node's own stream, always part of the read, ends the
 * current one at once (no race with a read not yet sent, unlike CLIENT UNBLOCK).
 */
import type { Logger } from 'pino';
import { type RedisClient, RedisStore, seqOfId } from './redis-store';

/** Longest a read blocks before it starts again (it also starts again on every new thread). */
const BLOCK_MS = 5_000;
/** Entries read per stream per call at most. */
const READ_COUNT = 1_000;
/** Wait after a failed read before the next (Redis down, or restarting). */
const RETRY_MS = 250;

export class StreamReader {
  readonly #reader: RedisClient;
  readonly #control: RedisClient;
  readonly #wakeKey: string;
  readonly #deliver: (threadId: string, frame: string) => void;
  readonly #log: Logger;
  /** Followed threads: the last seq delivered, and how many followers. */
  readonly #threads = new Map<string, { cursor: number; followers: number }>();
  readonly #threadOfKey = new Map<string, string>();
  #wakeCursor = '0-0';
  #idle: (() => void) | undefined;
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(options: {
    /** A connection of its own: a blocked XREAD holds it. */
    reader: RedisClient;
    control: RedisClient;
    nodeId: string;
    deliver(threadId: string, frame: string): void;
    logger: Logger;
  }) {
    this.#reader = options.reader;
    this.#control = options.control;
    this.#wakeKey = `aeh:node:${options.nodeId}:wake`;
    this.#deliver = options.deliver;
    this.#log = options.logger;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Ends the read under way (its command is rejected) and closes the reader's connection. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#idle?.();
    this.#reader.destroy();
    await this.#loop;
  }

  /**
   * Follows a thread from after `afterSeq`. Returns the seq up to which this
   * node has already delivered the thread's events: a follower that joins
   * later reads what came before it from the stream itself.
   */
  follow(threadId: string, afterSeq: number): number {
    const known = this.#threads.get(threadId);
    if (known) {
      known.followers += 1;
      return known.cursor;
    }
    this.#threads.set(threadId, { cursor: afterSeq, followers: 1 });
    this.#threadOfKey.set(RedisStore.streamKey(threadId), threadId);
    void this.#wake();
    return afterSeq;
  }

  unfollow(threadId: string): void {
    const known = this.#threads.get(threadId);
    if (!known) return;
    known.followers -= 1;
    if (known.followers > 0) return;
    this.#threads.delete(threadId);
    this.#threadOfKey.delete(RedisStore.streamKey(threadId));
  }

  async #wake(): Promise<void> {
    this.#idle?.();
    this.#idle = undefined;
    if (!this.#control.isReady) return; // the read fails too, and starts again with every thread once Redis is back
    try {
      await this.#control.xAdd(this.#wakeKey, '*', { w: '1' }, { TRIM: { strategy: 'MAXLEN', threshold: 16 } });
    } catch {
      // Redis is down: the read fails too, and starts again with every thread once it is back.
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      if (this.#threads.size === 0) {
        await new Promise<void>((resolve) => {
          this.#idle = resolve;
        });
        continue;
      }
      const streams = [
        { key: this.#wakeKey, id: this.#wakeCursor },
        ...[...this.#threads].map(([threadId, { cursor }]) => ({
          key: RedisStore.streamKey(threadId),
          id: `${cursor}-0`,
        })),
      ];
      try {
        const reply = await this.#reader.xRead(streams, { BLOCK: BLOCK_MS, COUNT: READ_COUNT });
        if (reply) this.#take(reply as StreamReply[]);
      } catch (error) {
        if (this.#stopped) return;
        this.#log.warn({ err: error }, 'reading live events from Redis failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  #take(reply: readonly StreamReply[]): void {
    for (const { name, messages } of reply) {
      if (name === this.#wakeKey) {
        this.#wakeCursor = messages.at(-1)?.id ?? this.#wakeCursor;
        continue;
      }
      const threadId = this.#threadOfKey.get(String(name));
      const thread = threadId === undefined ? undefined : this.#threads.get(threadId);
      if (!thread || threadId === undefined) continue; // unfollowed while the read was under way
      for (const { id, message } of messages) {
        const seq = seqOfId(id);
        if (seq <= thread.cursor) continue;
        thread.cursor = seq;
        this.#deliver(threadId, String(message.f));
      }
    }
  }
}

interface StreamReply {
  name: string;
  messages: { id: string; message: Record<string, string> }[];
}
