/**
 * The queue on real ws sockets over 127.0.0.1: a reader that stops reading
 * fills the kernel's buffers, then ws's; the queue waits on ws's send
 * callbacks, with no timer, and either delivers everything once the reader
 * reads again or lets go of everything when the reader drops the connection.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { OutboundQueue } from './outbound-queue';

const HIGH_WATER = 64 * 1024;
const THOUGHT = 'x'.repeat(1000);

let server: WebSocketServer | undefined;
afterEach(async () => {
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A server-side socket and its client, whose reading is paused. */
async function pausedPair(): Promise<{ serverSide: WebSocket; client: WebSocket }> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(server, 'listening');
  const accepted = once(server, 'connection');
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await once(client, 'open');
  const [serverSide] = (await accepted) as [WebSocket];
  client.pause();
  return { serverSide, client };
}

/** Sends numbered events until the queue holds some: the socket's buffers are full. */
function fillUntilQueued(queue: OutboundQueue): number {
  let seq = 0;
  while (queue.stats().queuedFrames < 10) {
    seq += 1;
    const payload = { thought: THOUGHT, step: 1 };
    queue.send(JSON.stringify({ type: 'agent_thinking', threadId: 't', runId: 'r', seq, ts: 0, payload }));
    if (seq > 100_000) throw new Error('the socket never pushed back');
  }
  return seq;
}

describe('OutboundQueue on a real socket', () => {
  it('delivers every frame in order once a paused reader reads again', async () => {
    const { serverSide, client } = await pausedPair();
    const queue = new OutboundQueue(serverSide, { highWaterBytes: HIGH_WATER, maxQueuedBytes: 1 << 30 });
    const last = fillUntilQueued(queue);
    expect(serverSide.bufferedAmount).toBeGreaterThanOrEqual(HIGH_WATER);

    const seqs: number[] = [];
    const all = new Promise<void>((resolve) => {
      client.on('message', (data: RawData) => {
        seqs.push((JSON.parse(String(data)) as { seq: number }).seq);
        if (seqs.length === last) resolve();
      });
    });
    client.resume();
    await queue.whenDrained();
    expect(queue.stats().queuedFrames).toBe(0);
    await all;
    expect(seqs).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  });

  it('lets go of its frames and its waiters when the reader drops the connection', async () => {
    const { serverSide, client } = await pausedPair();
    const queue = new OutboundQueue(serverSide, { highWaterBytes: HIGH_WATER, maxQueuedBytes: 1 << 30 });
    fillUntilQueued(queue);
    const waiting = Promise.all([queue.whenDrained(), queue.whenReady()]);

    client.terminate();
    // Nobody disposes the queue here: the failed writes' callbacks alone release it.
    await waiting;
    expect(queue.stats()).toMatchObject({ queuedFrames: 0, queuedBytes: 0 });
  });
});
