/**
 * How one socket follows threads when the server is one node of several
 * (REDIS_URL): live events come from the node's stream reader, history from
 * the thread's stream. A resume replays the stream in chunks, then joins the
 * live feed at the seq it read up to; whatever this node delivered before it
 * joined is read from the stream, live frames wait meanwhile, and any frame
 * at or below the seq already sent is dropped: no gap, no duplicate.
 */
import type { EventSubscriber, ThreadNotifier } from '../runtime/notifier';
import { seqOfFrame } from './event-frame';
import type { OutboundQueue } from './outbound-queue';

/** What a socket needs from the cluster (server/cluster/cluster.ts). */
export interface ClusterLink {
  /** Takes in a thread any node created; false when none did. */
  loadThread(threadId: string): Promise<boolean>;
  claimRun(threadId: string | undefined, ownerId: string | undefined): Promise<ClaimedClusterRun>;
  cancelRemote(runId: string, ownerId: string | undefined): Promise<void>;
  framesAfter(threadId: string, afterSeq: number, limit: number): Promise<string[]>;
  /** Follows a thread's live events after `afterSeq`; returns the seq this node has delivered up to. */
  follow(threadId: string, afterSeq: number): number;
  unfollow(threadId: string): void;
}

/** A run claimed on every node's behalf before it starts here. */
export interface ClaimedClusterRun {
  runId: string;
  /** Call once the run has started, with its thread (new threads get their id then). */
  started(threadId: string): void;
  /** Call once it has ended (its last event appended), or if it never started. */
  ended(): void;
}

export class ClusterFollow {
  /** Per thread: the last seq sent to this socket, and frames held while a resume catches up. */
  readonly #sent = new Map<string, number>();
  readonly #held = new Map<string, string[]>();
  readonly #stops = new Map<string, () => void>();
  /** Set when the socket closed: nothing is followed after that (a claim may still be on its way). */
  #stopped = false;

  constructor(
    private readonly cluster: ClusterLink,
    private readonly notifier: ThreadNotifier,
    private readonly socket: { send(frame: string): void; outbound: OutboundQueue; isOpen(): boolean },
  ) {}

  isFollowing(threadId: string): boolean {
    return this.#stops.has(threadId);
  }

  /** Goes live on a thread from after `afterSeq` (a new run's thread: nothing of it has been delivered yet). */
  follow(threadId: string, afterSeq: number): number {
    if (this.#stopped) return afterSeq;
    if (this.#stops.has(threadId)) return this.#sent.get(threadId) ?? afterSeq;
    const subscriber: EventSubscriber = { send: (frame) => this.#live(threadId, frame) };
    const unsubscribe = this.notifier.subscribe(threadId, subscriber);
    this.#sent.set(threadId, afterSeq);
    const delivered = this.cluster.follow(threadId, afterSeq);
    this.#stops.set(threadId, () => {
      unsubscribe();
      this.cluster.unfollow(threadId);
    });
    return delivered;
  }

  /** Replays a thread after `afterSeq` in chunks, each once the socket took the last, then goes live. */
  async resume(threadId: string, afterSeq: number, chunk: number, closed: AbortSignal): Promise<number> {
    let cursor = afterSeq;
    let replayed = 0;
    for (;;) {
      if (closed.aborted || !this.socket.isOpen()) return replayed;
      const frames = await this.cluster.framesAfter(threadId, cursor, chunk);
      replayed += frames.length;
      this.socket.outbound.sendBacklog(frames);
      cursor = seqOfFrame(frames.at(-1) ?? '') ?? cursor;
      if (frames.length < chunk) break;
      await this.socket.outbound.whenReady();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (closed.aborted) return replayed;
    this.#held.set(threadId, []);
    const delivered = this.follow(threadId, cursor);
    if (delivered > cursor) {
      // This node delivered those before this socket joined: they come from the stream.
      this.socket.outbound.sendBacklog(await this.cluster.framesAfter(threadId, cursor, delivered - cursor));
      this.#sent.set(threadId, delivered);
    }
    const held = this.#held.get(threadId) ?? [];
    this.#held.delete(threadId);
    for (const frame of held) this.#live(threadId, frame);
    return replayed;
  }

  stopAll(): void {
    this.#stopped = true;
    for (const stop of this.#stops.values()) stop();
    this.#stops.clear();
  }

  #live(threadId: string, frame: string): void {
    const held = this.#held.get(threadId);
    if (held) {
      held.push(frame);
      return;
    }
    const seq = seqOfFrame(frame);
    if (seq !== undefined) {
      if (seq <= (this.#sent.get(threadId) ?? 0)) return;
      this.#sent.set(threadId, seq);
    }
    this.socket.send(frame);
  }
}
