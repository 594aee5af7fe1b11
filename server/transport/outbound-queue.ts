/**
 * Backpressure for one socket. Frames go straight to the socket while its send
 * buffer is small. A slow reader's frames wait in a bounded queue instead,
 * where consecutive `partial_result` deltas of a run are merged into one event
 * (marked `coalescedFrom`). A socket whose queue outgrows its limit is closed
 * with 1013: the client reconnects later and resumes from the journal, so the
 * server's memory stays bounded and nothing is lost.
 *
 * Sizes are bytes (UTF-8, as they go on the wire), like `bufferedAmount`.
 * A waiting queue moves when the socket reports a frame written (ws's send
 * callback, what ws's maintainers point to for backpressure), never on a
 * timer: ws has no drain event, and the TCP socket's 'drain' (ws's private
 * `_socket`) fires only after a write past its own 16 KiB mark and once its
 * buffer is empty, so a smaller high-water mark would never hear it.
 */
import { type PartialResultEvent, partialResultOf } from './event-frame';

/** Above this many bytes in the socket's send buffer, frames queue instead. */
const DEFAULT_HIGH_WATER_BYTES = 1024 * 1024;
/** A queue larger than this many bytes closes the socket with 1013. */
const DEFAULT_MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** Close code for a client too slow to keep up ("try again later"). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** The part of a ws WebSocket the queue uses. */
export interface OutboundSocket {
  /** Bytes handed to the socket and not yet written out. */
  readonly bufferedAmount: number;
  /**
   * `written` is called once the frame has left the process, or with an error
   * when it never will (the socket closed): ws's send callback.
   */
  send(frame: string, written: (error?: Error) => void): void;
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
  | { kind: 'frame'; frame: string; bytes: number; backlog: boolean }
  | { kind: 'deltas'; last: PartialResultEvent; from: number; parts: string[]; bytes: number; backlog: boolean };

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
  /** Frames handed to the socket whose `written` callback has not come yet. */
  #inFlight = 0;
  #closed = false;
  /** Callers of `whenDrained`, woken when a write completes. */
  #drainWaiters: (() => void)[] = [];
  /** Callers of `whenReady`, woken when a write completes. */
  #readyWaiters: (() => void)[] = [];
  /** One function for every send: no closure per frame, and Node batches a tick's callbacks to the same function. */
  readonly #written = (error?: Error | null): void => this.#onWritten(error);

  constructor(socket: OutboundSocket, options: OutboundQueueOptions = {}) {
    this.#socket = socket;
    this.#highWater = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
    this.#maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.#onOverflow = options.onOverflow;
  }

  send(frame: string): void {
    if (this.#closed) return;
    if (this.#queue.length === 0 && this.#hasRoom()) {
      this.#write(frame);
      return;
    }
    this.#enqueue(frame, false);
    if (this.#queuedBytes > this.#maxQueued + this.#backlogAllowance) this.#overflow();
  }

  /**
   * Queues a chunk of a resume's replay: bounded by the replay's chunk size
   * (and shrunk by coalescing), so it is not held to the live limit; live
   * frames that follow it are, on top of it.
   */
  sendBacklog(frames: readonly string[]): void {
    if (this.#closed) return;
    const before = this.#queuedBytes;
    for (const frame of frames) {
      if (this.#queue.length === 0 && this.#hasRoom()) this.#write(frame);
      else this.#enqueue(frame, true);
    }
    this.#backlogAllowance += this.#queuedBytes - before;
  }

  /** Stops sending, drops the queue and wakes everyone waiting (the socket closed). */
  dispose(): void {
    this.#closed = true;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#backlogAllowance = 0;
    this.#wake(this.#takeDrainWaiters());
    this.#wake(this.#takeReadyWaiters());
  }

  /**
   * Resolves once every frame handed to this queue has left the process: the
   * queue is empty and the socket has written all it was given (or the queue
   * was disposed, or a write failed). A shutdown waits on it before closing the socket.
   */
  whenDrained(): Promise<void> {
    if (this.#isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Resolves once the queue is empty and the send buffer is under the high
   * water mark (or the queue was disposed): a chunked replay sends its next
   * chunk then, so a slow reader holds one chunk at a time, not the thread.
   */
  whenReady(): Promise<void> {
    if (this.#isReady()) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  stats(): { queuedFrames: number; queuedBytes: number; peakQueuedBytes: number; coalesced: number } {
    return {
      queuedFrames: this.#queue.length,
      queuedBytes: this.#queuedBytes,
      peakQueuedBytes: this.#peakQueuedBytes,
      coalesced: this.#coalesced,
    };
  }

  /**
   * Whether the socket may take another frame now. With none of our frames in
   * flight, what it buffers is ws's own control frames (a ping), whose writes
   * we would never hear of: sending then keeps one callback of ours pending,
   * so a waiting queue always has an event coming.
   */
  #hasRoom(): boolean {
    return this.#inFlight === 0 || this.#socket.bufferedAmount < this.#highWater;
  }

  #write(frame: string): void {
    // Counted before the send, so that no callback can come before its count.
    this.#inFlight += 1;
    this.#socket.send(frame, this.#written);
  }

  #onWritten(error: Error | null | undefined): void {
    this.#inFlight -= 1;
    if (this.#closed) return;
    if (error) {
      // The socket failed: nothing more leaves through it, so drop the queue and wake whoever waits on it.
      this.dispose();
      return;
    }
    if (this.#queue.length > 0 || this.#drainWaiters.length > 0 || this.#readyWaiters.length > 0) this.#drain();
  }

  #enqueue(frame: string, backlog: boolean): void {
    const bytes = Buffer.byteLength(frame);
    this.#queuedBytes += bytes;
    this.#peakQueuedBytes = Math.max(this.#peakQueuedBytes, this.#queuedBytes);
    const event = partialResultOf(frame);
    if (!event) {
      this.#queue.push({ kind: 'frame', frame, bytes, backlog });
      return;
    }
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
    while (this.#queue.length > 0 && this.#hasRoom()) {
      const next = this.#queue.shift() as Queued;
      this.#queuedBytes -= next.bytes;
      // Room a drained backlog frees goes back to the limit, not to live frames.
      if (next.backlog) this.#backlogAllowance = Math.max(0, this.#backlogAllowance - next.bytes);
      this.#write(serialize(next));
    }
    if (this.#isDrained()) this.#wake(this.#takeDrainWaiters());
    if (this.#isReady()) this.#wake(this.#takeReadyWaiters());
  }

  #isReady(): boolean {
    return this.#closed || (this.#queue.length === 0 && this.#hasRoom());
  }

  #isDrained(): boolean {
    return this.#closed || (this.#queue.length === 0 && this.#inFlight === 0);
  }

  #takeDrainWaiters(): (() => void)[] {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    return waiters;
  }

  #takeReadyWaiters(): (() => void)[] {
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    return waiters;
  }

  #wake(waiters: readonly (() => void)[]): void {
    for (const wake of waiters) wake();
  }

  #overflow(): void {
    const queued = this.#queuedBytes;
    this.dispose();
    this.#onOverflow?.(queued);
    this.#socket.close(CLOSE_TRY_AGAIN_LATER, 'client too slow; resume later');
  }
}
