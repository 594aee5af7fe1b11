import { describe, expect, it } from 'vitest';
import { checkRunLifecycle, type RunEvent } from '../../protocol';
import { CLOSE_TRY_AGAIN_LATER, OutboundQueue } from './outbound-queue';

function fakeSocket() {
  const socket = {
    bufferedAmount: 0,
    sent: [] as string[],
    closed: undefined as number | undefined,
    send(frame: string) {
      socket.sent.push(frame);
    },
    close(code: number) {
      socket.closed = code;
    },
  };
  return socket;
}

let seq = 0;
const frame = (type: RunEvent['type'], payload: object) =>
  JSON.stringify({ type, threadId: 't', runId: 'r', seq: ++seq, ts: 0, payload });

describe('OutboundQueue', () => {
  describe('#send', () => {
    it('should send straight through while the socket keeps up', () => {
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 100 });
      queue.send('a');
      queue.send('b');
      expect(socket.sent).toEqual(['a', 'b']);
      expect(queue.stats().queuedFrames).toBe(0);
    });

    it('should queue for a slow socket, merge consecutive deltas, and deliver in order once it drains', async () => {
      seq = 0;
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 100 });
      const started = frame('agent_started', { agentName: 'a', input: 'x' });
      queue.send(started);
      socket.bufferedAmount = 1000;
      for (const delta of ['a', 'b', 'c']) queue.send(frame('partial_result', { delta }));
      queue.send(frame('agent_completed', { status: 'success', durationMs: 1 }));
      expect(socket.sent).toEqual([started]);
      expect(queue.stats()).toMatchObject({ queuedFrames: 2, coalesced: 2 });

      socket.bufferedAmount = 0;
      await expect.poll(() => socket.sent.length).toBe(3);
      const events = socket.sent.map((sent) => JSON.parse(sent) as RunEvent);
      expect(events[1]).toMatchObject({ seq: 4, payload: { delta: 'abc', coalescedFrom: 2 } });
      expect(checkRunLifecycle(events)).toEqual([]);
      expect(queue.stats().queuedFrames).toBe(0);
    });

    it('should close with 1013 once the queue outgrows its limit, and keep memory bounded', () => {
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
      socket.bufferedAmount = 100;
      for (let i = 0; i < 200; i += 1) queue.send(frame('agent_thinking', { thought: `t${i}`, step: 1 }));
      expect(socket.closed).toBe(CLOSE_TRY_AGAIN_LATER);
      expect(overflowed).toBe(1);
      expect(queue.stats().peakQueuedBytes).toBeLessThan(1000 + 200);
      expect(queue.stats().queuedBytes).toBe(0);
      queue.send('late');
      expect(socket.sent).toEqual([]);
    });
  });

  describe('#whenDrained', () => {
    it("should resolve once the queue and then the socket's send buffer are empty", async () => {
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 100 });
      await queue.whenDrained(); // nothing sent: drained at once

      socket.bufferedAmount = 1000;
      queue.send('a');
      queue.send('b');
      let drained = false;
      void queue.whenDrained().then(() => {
        drained = true;
      });
      socket.bufferedAmount = 50; // below the high-water mark: the queue empties into the socket...
      await expect.poll(() => socket.sent).toEqual(['a', 'b']);
      expect(queue.stats().queuedFrames).toBe(0);
      expect(drained).toBe(false); // ...but the socket still holds bytes
      socket.bufferedAmount = 0;
      await expect.poll(() => drained).toBe(true);
    });

    it('should resolve when the queue is disposed (the socket closed)', async () => {
      const socket = fakeSocket();
      const queue = new OutboundQueue(socket, { highWaterBytes: 100 });
      socket.bufferedAmount = 1000;
      queue.send('a');
      const drained = queue.whenDrained();
      queue.dispose();
      await expect(drained).resolves.toBeUndefined();
      expect(socket.sent).toEqual([]);
    });
  });
});
