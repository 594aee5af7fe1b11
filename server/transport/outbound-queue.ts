/**
 * Backpressure for one socket. Frames go straight to the socket while its send
 * buffer is small. A slow reader's frames wait in a bounded queue instead,
 * where consecutive `partial_result` deltas of a run are merged into one event
 * (marked `coalescedFrom`). A socket whose queue outgrows its limit is closed
 * with 1013: the client reconnects later and resumes from the journal, so the
 * server's memory stays bounded and nothing is lost.
 */
import type { RunEvent } from '../../protocol';

/** Above this many bytes in the socket's send buffer, frames queue instead. */
export const DEFAULT_HIGH_WATER_BYTES = 1024 * 1024;
/** A queue larger than this closes the socket with 1013. */
export const DEFAULT_MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** How often a non-empty queue checks whether the socket has drained. */
export const DRAIN_CHECK_MS = 20;
/** Close code for a client too slow to keep up ("try again later"). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

export interface OutboundSocket {
  readonly bufferedAmount: number;
  send(frame: string): void;
  close(code: number, reason: string): void;
}

export interface OutboundQueueOptions {
  /** @default DEFAULT_HIGH_WATER_BYTES (1 MiB) */
  highWaterBytes?: number;
  /** @default DEFAULT_MAX_QUEUED_BYTES (4 MiB) */
  maxQueuedBytes?: number;
  /** Called once when the socket is closed for being too slow. */
  onOverflow?(queuedBytes: number): void;
}

/** A queued frame, or a run of consecutive deltas merged lazily (serialized once, when sent). */
type Queued =
  | { kind: 'frame'; frame: string; bytes: number; backlog?: boolean }
  | {
      kind: 'deltas';
      last: RunEvent & { type: 'partial_result' };
      from: number;
      parts: string[];
      bytes: number;
      backlog?: boolean;
    };

function serialize(item: Queued): string {
  if (item.kind === 'frame') return item.frame;
  const { last, from, parts } = item;
  if (parts.length === 1 && last.payload.coalescedFrom === undefined) return JSON.stringify(last);
  return JSON.stringify({ ...last, payload: { ...last.payload, delta: parts.join(''), coalescedFrom: from } });
}

export class OutboundQueue {
  readonly #socket: OutboundSocket;
  readonly #highWater: number;
  readonly #maxQueued: number;
  readonly #onOverflow: ((queuedBytes: number) => void) | undefined;
  #queue: Queued[] = [];
  #queuedBytes = 0;
  #peakQueuedBytes = 0;
  #coalesced = 0;
  /** Extra room granted to a resume's backlog, which the client asked for all at once. */
  #backlogAllowance = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Callers of `whenDrained`, woken by the drain timer. */
  #drainWaiters: (() => void)[] = [];
  /** Callers of `whenReady`, woken by the drain timer. */
  #readyWaiters: (() => void)[] = [];

  constructor(socket: OutboundSocket, options: OutboundQueueOptions = {}) {
    this.#socket = socket;
    this.#highWater = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
    this.#maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.#onOverflow = options.onOverflow;
  }

  send(frame: string): void {
    if (this.#closed) return;
    if (this.#queue.length === 0 && this.#socket.bufferedAmount < this.#highWater) {
      this.#socket.send(frame);
      return;
    }
    this.#enqueue(frame);
    if (this.#queuedBytes > this.#maxQueued + this.#backlogAllowance) {
      this.#overflow();
      return;
    }
    this.#timer ??= setInterval(() => this.#drain(), DRAIN_CHECK_MS);
  }

  /**
   * Queues a chunk of a resume's replay: bounded by the replay's chunk size
   * (and shrunk by coalescing), so it is not held to the live limit; live
   * frames that follow it are, on top of it.
   */
  sendBacklog(frames: readonly string[]): void {
    if (this.#closed || frames.length === 0) return;
    const before = this.#queuedBytes;
    for (const frame of frames) {
      if (this.#queue.length === 0 && this.#socket.bufferedAmount < this.#highWater) this.#socket.send(frame);
      else this.#enqueue(frame, true);
    }
    this.#backlogAllowance += this.#queuedBytes - before;
    if (this.#queue.length > 0) this.#timer ??= setInterval(() => this.#drain(), DRAIN_CHECK_MS);
  }

  /** Stops draining and drops the queue (the socket closed). */
  dispose(): void {
    this.#closed = true;
    this.#clear();
  }

  /**
   * Resolves once every frame handed to this queue has left the process: the
   * queue is empty and so is the socket's send buffer (or the queue was
   * disposed). A shutdown waits on it before closing the socket.
   */
  whenDrained(): Promise<void> {
    if (this.#isDrained()) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drainWaiters.push(resolve);
      // The send buffer empties without an event we can hear, so the drain timer also watches it while someone waits.
      this.#timer ??= setInterval(() => this.#drain(), DRAIN_CHECK_MS);
    });
  }

  /**
   * Resolves once the queue is empty and the send buffer is under the high
   * water mark (or the queue was disposed): a chunked replay sends its next
   * chunk then, so a slow reader holds one chunk at a time, not the thread.
   */
  whenReady(): Promise<void> {
    if (this.#isReady()) return Promise.resolve();
    return new Promise((resolve) => {
      this.#readyWaiters.push(resolve);
      this.#timer ??= setInterval(() => this.#drain(), DRAIN_CHECK_MS);
    });
  }

  stats(): { queuedFrames: number; queuedBytes: number; peakQueuedBytes: number; coalesced: number } {
    return {
      queuedFrames: this.#queue.length,
      queuedBytes: this.#queuedBytes,
      peakQueuedBytes: this.#peakQueuedBytes,
      coalesced: this.#coalesced,
    };
  }

  #enqueue(frame: string, backlog = false): void {
    const bytes = frame.length;
    this.#queuedBytes += bytes;
    this.#peakQueuedBytes = Math.max(this.#peakQueuedBytes, this.#queuedBytes);
    // Events are serialized with `type` first (RunManager builds them so): a cheap test before parsing.
    if (!frame.startsWith('{"type":"partial_result"')) {
      this.#queue.push({ kind: 'frame', frame, bytes, backlog });
      return;
    }
    const event = JSON.parse(frame) as RunEvent & { type: 'partial_result' };
    const tail = this.#queue.at(-1);
    if (tail?.kind === 'deltas' && tail.last.runId === event.runId && tail.last.seq + 1 === event.seq) {
      tail.parts.push(event.payload.delta);
      tail.last = event;
      tail.bytes += bytes;
      this.#coalesced += 1;
      return;
    }
    const from = event.payload.coalescedFrom ?? event.seq;
    this.#queue.push({ kind: 'deltas', last: event, from, parts: [event.payload.delta], bytes, backlog });
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#socket.bufferedAmount < this.#highWater) {
      const next = this.#queue.shift() as Queued;
      this.#queuedBytes -= next.bytes;
      // Room a drained backlog frees goes back to the limit, not to live frames.
      if (next.backlog) this.#backlogAllowance = Math.max(0, this.#backlogAllowance - next.bytes);
      this.#socket.send(serialize(next));
    }
    if (this.#isDrained()) this.#wakeDrainWaiters();
    if (this.#isReady()) this.#wakeReadyWaiters();
    if (this.#queue.length === 0 && this.#drainWaiters.length === 0 && this.#readyWaiters.length === 0) this.#clear();
  }

  #isReady(): boolean {
    return this.#closed || (this.#queue.length === 0 && this.#socket.bufferedAmount < this.#highWater);
  }

  #wakeReadyWaiters(): void {
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const wake of waiters) wake();
  }

  #isDrained(): boolean {
    return this.#closed || (this.#queue.length === 0 && this.#socket.bufferedAmount === 0);
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const wake of waiters) wake();
  }

  #overflow(): void {
    const queued = this.#queuedBytes;
    this.#closed = true;
    this.#clear();
    this.#onOverflow?.(queued);
    this.#socket.close(CLOSE_TRY_AGAIN_LATER, 'client too slow; resume later');
  }

  #clear(): void {
    if (this.#closed) {
      this.#wakeDrainWaiters();
      this.#wakeReadyWaiters();
    }
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#backlogAllowance = 0;
  }
}
