import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkRunLifecycle, type RunEvent } from '../../protocol';
import { CLOSE_TRY_AGAIN_LATER, OutboundQueue } from './outbound-queue';

/**
 * A socket as ws is one: a frame handed to it stays in its send buffer
 * (`bufferedAmount`, in bytes) until the reader takes it, and its send
 * callback fires then, in order, or with an error when the socket fails.
 */
class FakeSocket {
  readonly unwritten: { bytes: number; written: (error?: Error) => void }[] = [];
  readonly sent: string[] = [];
  closed: number | undefined;
  /** Bytes ws buffered for itself (a ping): no callback of ours reports them written. */
  ownBytes = 0;
  get bufferedAmount(): number {
    return this.unwritten.reduce((sum, write) => sum + write.bytes, this.ownBytes);
  }
  send(frame: string, written: (error?: Error) => void): void {
    this.sent.push(frame);
    this.unwritten.push({ bytes: Buffer.byteLength(frame), written });
  }
  /** The reader takes `count` frames (all, by default). */
  take(count = this.unwritten.length): void {
    for (const write of this.unwritten.splice(0, count)) write.written();
  }
  /** The connection breaks: every write not done fails. */
  fail(): void {
    for (const write of this.unwritten.splice(0)) write.written(new Error('write ECONNRESET'));
  }
  close(code: number): void {
    this.closed = code;
  }
}
const fakeSocket = () => new FakeSocket();

let seq = 0;
const frame = (type: RunEvent['type'], payload: object) =>
  JSON.stringify({ type, threadId: 't', runId: 'r', seq: ++seq, ts: 0, payload });

describe('OutboundQueue', () => {
  afterEach(() => vi.useRealTimers());

  describe('#send', () => {
    it('sends straight through while the socket keeps up', () => {
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 100 });
      queue.send('a');
      queue.send('b');
      expect(socket.sent).toEqual(['a', 'b']);
      expect(queue.stats().queuedFrames).toBe(0);
    });

    it('queues for a slow socket, merges consecutive deltas, and delivers in order as the socket takes frames', () => {
      seq = 0;
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 50 });
      const started = frame('agent_started', { agentName: 'a', input: 'x' }); // over 50 bytes: the next ones wait
      queue.send(started);
      for (const delta of ['a', 'b', 'c']) queue.send(frame('partial_result', { delta }));
      queue.send(frame('agent_completed', { status: 'success', durationMs: 1 }));
      expect(socket.sent).toEqual([started]);
      expect(queue.stats()).toMatchObject({ queuedFrames: 2, coalesced: 2 });

      socket.take(); // the write's callback moves the queue on: one frame, which fills the buffer again
      expect(socket.sent).toHaveLength(2);
      socket.take();
      const events = socket.sent.map((sent) => JSON.parse(sent) as RunEvent);
      expect(events[1]).toMatchObject({ seq: 4, payload: { delta: 'abc', coalescedFrom: 2 } });
      expect(checkRunLifecycle(events)).toEqual([]);
      expect(queue.stats().queuedFrames).toBe(0);
    });

    it('waits for the socket without a timer', () => {
      vi.useFakeTimers();
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 1 });
      queue.send('a');
      queue.send('b');
      void queue.whenDrained();
      void queue.whenReady();
      expect(queue.stats().queuedFrames).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
      socket.take();
      expect(socket.sent).toEqual(['a', 'b']);
    });

    it('does not wait on bytes ws buffered for itself, which no callback of ours would report', async () => {
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 4 });
      socket.ownBytes = 6; // a ping stuck behind a slow reader
      queue.send('a');
      queue.send('b');
      expect(socket.sent).toEqual(['a']);
      socket.take();
      expect(socket.sent).toEqual(['a', 'b']);
      socket.take();
      await queue.whenDrained();
    });

    it('merges deltas whatever the order of their keys, and does not take a nested type for the frame', () => {
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 1 });
      queue.send('first'); // in flight: what follows waits
      const reordered = (seq: number, delta: string) =>
        JSON.stringify({ payload: { delta }, seq, ts: 0, runId: 'r', threadId: 't', type: 'partial_result' });
      const tool = JSON.stringify({
        type: 'tool_completed',
        threadId: 't',
        runId: 'r',
        seq: 3,
        ts: 0,
        payload: { delta: 'not text', result: { type: 'partial_result', runId: 'r', seq: 2, payload: { delta: 'x' } } },
      });
      queue.send(reordered(1, 'a'));
      queue.send(reordered(2, 'b'));
      queue.send(tool);
      queue.send(reordered(4, 'c'));
      expect(queue.stats()).toMatchObject({ queuedFrames: 3, coalesced: 1 });

      for (let i = 0; i < 3; i += 1) socket.take();
      expect(JSON.parse(socket.sent[1] as string)).toMatchObject({
        seq: 2,
        payload: { delta: 'ab', coalescedFrom: 1 },
      });
      expect(socket.sent[2]).toBe(tool);
      expect(JSON.parse(socket.sent[3] as string)).toMatchObject({ seq: 4, payload: { delta: 'c' } });
    });

    it('counts the bytes of multi-byte text, not its UTF-16 length', () => {
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 1, maxQueuedBytes: 10_000 });
      queue.send('first');
      const wide = frame('agent_thinking', { thought: '漢字テキスト😀'.repeat(40), step: 1 });
      queue.send(wide);
      expect(queue.stats().queuedBytes).toBe(Buffer.byteLength(wide));
      expect(Buffer.byteLength(wide)).toBeGreaterThan(wide.length * 2);

      // Under the limit counted in UTF-16 code units, over it in bytes: the socket closes.
      const slow = fakeSocket();
      const limited = new OutboundQueue(slow, { highWaterBytes: 1, maxQueuedBytes: wide.length + 1 });
      limited.send('first');
      limited.send(wide);
      expect(slow.closed).toBe(CLOSE_TRY_AGAIN_LATER);
    });

    it('closes with 1013 once the queue outgrows its limit, and keeps memory bounded', () => {
      seq = 0;
      const socket = fakeSocket();
      let overflowed = 0;
      const queue = new OutboundQueue(socket, {
        highWaterBytes: 10,
        maxQueuedBytes: 1000,
        onOverflow: () => {
          overflowed += 1;
        },
      });
      for (let i = 0; i < 200; i += 1) queue.send(frame('agent_thinking', { thought: `t${i}`, step: 1 }));
      expect(socket.closed).toBe(CLOSE_TRY_AGAIN_LATER);
      expect(overflowed).toBe(1);
      expect(queue.stats().peakQueuedBytes).toBeLessThan(1000 + 200);
      expect(queue.stats().queuedBytes).toBe(0);
      expect(socket.sent).toHaveLength(1); // the first, sent before anything waited
      queue.send('late');
      socket.take(); // a write that completes after the close sends nothing more
      expect(socket.sent).toHaveLength(1);
    });
  });

  describe('#whenDrained', () => {
    it('resolves once the queue is empty and the socket has written every frame', async () => {
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 100 });
      await queue.whenDrained(); // nothing sent: drained at once

      queue.send('x'.repeat(100)); // fills the send buffer
      queue.send('a');
      queue.send('b');
      let drained = false;
      const whenDrained = queue.whenDrained().then(() => {
        drained = true;
      });
      socket.take(1); // room again: the queue empties into the socket...
      expect(socket.sent.slice(1)).toEqual(['a', 'b']);
      expect(queue.stats().queuedFrames).toBe(0);
      await Promise.resolve();
      expect(drained).toBe(false); // ...but the socket has not written them yet
      socket.take();
      await whenDrained;
    });

    it('resolves when the queue is disposed (the socket closed)', async () => {
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 1 });
      queue.send('a');
      queue.send('b');
      const drained = queue.whenDrained();
      queue.dispose();
      await expect(drained).resolves.toBeUndefined();
      socket.take();
      expect(socket.sent).toEqual(['a']);
    });

    it('resolves, and drops the queue, when a write fails while it waits', async () => {
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 1 });
      queue.send('a');
      queue.send('b');
      const drained = queue.whenDrained();
      const ready = queue.whenReady();
      socket.fail();
      await expect(Promise.all([drained, ready])).resolves.toEqual([undefined, undefined]);
      expect(queue.stats()).toMatchObject({ queuedFrames: 0, queuedBytes: 0 });
      queue.send('c');
      expect(socket.sent).toEqual(['a']);
    });
  });

  describe('#whenReady', () => {
    it('resolves once the queue is empty and the send buffer under the high-water mark', async () => {
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 10 });
      queue.sendBacklog(['0123456789', 'a', 'b']);
      let ready = false;
      const whenReady = queue.whenReady().then(() => {
        ready = true;
      });
      expect(socket.sent).toEqual(['0123456789']);
      await Promise.resolve();
      expect(ready).toBe(false);
      socket.take();
      expect(socket.sent.slice(1)).toEqual(['a', 'b']);
      await whenReady; // 2 bytes buffered: under the mark, though not written yet
    });
  });
});
