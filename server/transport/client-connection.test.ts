import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { ThreadNotifier } from '../runtime/notifier';
import type { RunManager } from '../runtime/run-manager';
import { ClientConnection } from './client-connection';
import { ReplayGate } from './replay-gate';

/**
 * Just enough of a ws WebSocket for the send path: a frame stays in its send
 * buffer until the reader takes it, and its send callback fires then. A
 * reading client takes frames on the next microtask, a stalled one once it reads again.
 */
class FakeWebSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: string[] = [];
  readonly unwritten: { bytes: number; written: (error?: Error) => void }[] = [];
  stalled = false;
  closedWith: number | undefined;
  get bufferedAmount(): number {
    return this.unwritten.reduce((sum, write) => sum + write.bytes, 0);
  }
  send(frame: string, written: (error?: Error) => void): void {
    this.sent.push(frame);
    this.unwritten.push({ bytes: Buffer.byteLength(frame), written });
    if (!this.stalled) queueMicrotask(() => this.#take());
  }
  stall(): void {
    this.stalled = true;
  }
  read(): void {
    this.stalled = false;
    this.#take();
  }
  #take(): void {
    if (this.stalled) return;
    for (const write of this.unwritten.splice(0)) write.written();
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
    this.emit('close', code);
  }
}

function connection() {
  const socket = new FakeWebSocket();
  const tcp = { corks: 0, uncorks: 0, cork: () => tcp.corks++, uncork: () => tcp.uncorks++ };
  const client = new ClientConnection(socket as unknown as WebSocket, {
    runs: {} as RunManager,
    notifier: new ThreadNotifier(),
    logger: pino({ level: 'silent' }),
    owner: 'u-1',
    tcpSocket: tcp,
  });
  return { client, socket, tcp };
}

describe('ClientConnection', () => {
  describe('#send', () => {
    it('corks the TCP socket for the rest of the tick, so a batch of frames leaves in one write', async () => {
      const { client, socket, tcp } = connection();
      for (const frame of ['a', 'b', 'c']) client.send(frame);
      expect(tcp).toMatchObject({ corks: 1, uncorks: 0 });
      await new Promise((resolve) => process.nextTick(resolve));
      expect(tcp).toMatchObject({ corks: 1, uncorks: 1 });
      client.send('d');
      expect(tcp).toMatchObject({ corks: 2, uncorks: 1 });
      expect(socket.sent).toEqual(['a', 'b', 'c', 'd']);
    });
  });
});

/** A thread of `count` journaled events (not deltas, which a slow socket merges), read as the RunManager reads them. */
function journaledThread(count: number) {
  const frames = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ type: 'agent_thinking', threadId: 't-1', runId: 'r-1', seq: i + 1, payload: {} }),
  );
  const reads: { afterSeq: number; limit: number | undefined }[] = [];
  const reading = { now: 0 };
  const runs = {
    authorizeThread: () => {},
    beginRead: () => {
      reading.now += 1;
      return () => {
        reading.now -= 1;
      };
    },
    framesAfter(_threadId: string, afterSeq: number, limit?: number) {
      reads.push({ afterSeq, limit });
      if (afterSeq === failAfter) throw new Error('database connection is not open');
      return frames.slice(afterSeq, limit === undefined ? undefined : afterSeq + limit);
    },
  } as unknown as RunManager;
  let failAfter: number | undefined;
  const failReadsAfter = (seq: number) => {
    failAfter = seq;
  };
  return { frames, reads, runs, reading, failReadsAfter };
}

function resumer(runs: RunManager, notifier: ThreadNotifier, gate?: ReplayGate) {
  const socket = new FakeWebSocket();
  new ClientConnection(socket as unknown as WebSocket, {
    runs,
    notifier,
    logger: pino({ level: 'silent' }),
    owner: 'u-1',
    replayChunk: 10,
    replayGate: gate,
    backpressure: { highWaterBytes: 100 },
  });
  const resume = () =>
    socket.emit('message', Buffer.from(JSON.stringify({ type: 'resume', threadId: 't-1', afterSeq: 0 })), false);
  const seqs = () => socket.sent.map((frame) => (JSON.parse(frame) as { seq?: number }).seq);
  return { socket, resume, seqs };
}

describe('ClientConnection resume', () => {
  afterEach(() => vi.useRealTimers());

  it('replays in chunks, each once the socket took the one before, then goes live without a gap', async () => {
    vi.useFakeTimers();
    const { frames, reads, runs } = journaledThread(35);
    const notifier = new ThreadNotifier();
    const { socket, resume, seqs } = resumer(runs, notifier);
    socket.stall(); // a reader that is not reading
    resume();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads).toEqual([{ afterSeq: 0, limit: 10 }]); // one chunk held, no more read
    expect(notifier.subscriberCount('t-1')).toBe(0);

    socket.read();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads.map((read) => read.afterSeq)).toEqual([0, 10, 20, 30]);
    expect(notifier.subscriberCount('t-1')).toBe(1);
    notifier.publish('t-1', JSON.stringify({ type: 'partial_result', seq: 36 }));
    expect(seqs()).toEqual([...frames.map((_, i) => i + 1), 36]);
  });

  it("takes turns with the user's other replays when the gate is full", async () => {
    vi.useFakeTimers();
    const { runs } = journaledThread(25);
    const gate = new ReplayGate({ maxActive: 1 });
    const first = resumer(runs, new ThreadNotifier(), gate);
    const second = resumer(runs, new ThreadNotifier(), gate);
    first.socket.stall();
    first.resume();
    second.resume();
    await vi.advanceTimersByTimeAsync(1_000);
    // The second socket reads freely, yet gets nothing while the first holds the user's one slot.
    expect(second.seqs()).toEqual([]);
    expect(gate.activeCount).toBe(1);

    first.socket.read();
    await vi.advanceTimersByTimeAsync(1_000);
    expect([first.seqs().length, second.seqs().length]).toEqual([25, 25]);
    expect(gate.activeCount).toBe(0);
  });

  it('marks the thread as read while replaying, and closes the socket with 1011 when a read fails midway', async () => {
    vi.useFakeTimers();
    const { runs, reading, failReadsAfter } = journaledThread(35);
    const notifier = new ThreadNotifier();
    const { socket, resume, seqs } = resumer(runs, notifier);
    socket.stall();
    resume();
    await vi.advanceTimersByTimeAsync(100);
    expect(reading.now).toBe(1); // retention leaves the thread alone meanwhile
    failReadsAfter(10);
    socket.read();
    await vi.advanceTimersByTimeAsync(100);
    // A partial replay is not passed off as whole: the client reconnects and resumes again.
    expect(socket.closedWith).toBe(1011);
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]); // the first chunk, then nothing
    expect(notifier.subscriberCount('t-1')).toBe(0);
    expect(reading.now).toBe(0);
  });
});
