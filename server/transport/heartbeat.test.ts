/**
 * Tests for the heartbeat: against a real server, a stall of the server's own
 * event loop costs no client its socket while a peer that stops answering is
 * still dropped; against fake sockets and timers, each rule on its own.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocketServer } from 'ws';
import type { RunningServer } from '../app';
import { startTestServer } from '../testing/test-server';
import { WsTestClient } from '../testing/ws-test-client';
import { startHeartbeat } from './heartbeat';

const INTERVAL_MS = 100;
const BYSTANDERS = 20;
/** Polls on state; generous, because a loaded machine delays ticks (which only makes the heartbeat kinder). */
const POLL = { timeout: 10_000 };

const servers: RunningServer[] = [];
const clients: WsTestClient[] = [];

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await server.close();
});

async function serve(): Promise<string> {
  const server = await startTestServer({ heartbeatIntervalMs: INTERVAL_MS });
  servers.push(server);
  return server.url;
}

async function connect(url: string, options?: Parameters<typeof WsTestClient.connectAs>[2]): Promise<WsTestClient> {
  const client = await WsTestClient.connectAs(url, undefined, options);
  clients.push(client);
  return client;
}

/** Connects clients that count the pings they get. */
async function connectCounting(url: string, count: number): Promise<{ client: WsTestClient; pings: number }[]> {
  const connected = await Promise.all(Array.from({ length: count }, () => connect(url)));
  return connected.map((client) => {
    const entry = { client, pings: 0 };
    client.socket.on('ping', () => {
      entry.pings += 1;
    });
    return entry;
  });
}

/**
 * Blocks this thread for `ms`, as a long synchronous handler on the server would. The server runs
 * in this process, so it stalls for real (and so do the test's clients, which is the harder case).
 */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Stalls at the worst moment: a round of pings has just gone out, and no pong has been read yet. */
function stallOnNextPing(client: WsTestClient, ms: number): Promise<void> {
  return new Promise((resolve) => {
    client.socket.once('ping', () => {
      blockEventLoop(ms);
      resolve();
    });
  });
}

describe('heartbeat on a real server', () => {
  it.each([
    ['several intervals, so the next tick comes late', 5],
    ['just over one interval, so the next tick is on time but its pongs are still unread', 1.2],
  ])(
    'keeps every bystander through a stall of %s',
    async (_, intervals) => {
      const url = await serve();
      const bystanders = await connectCounting(url, BYSTANDERS);
      await expect.poll(() => bystanders.every(({ pings }) => pings >= 2), POLL).toBe(true);

      const [first] = bystanders;
      if (!first) throw new Error('no bystanders connected');
      await stallOnNextPing(first.client, intervals * INTERVAL_MS);
      const before = bystanders.map(({ pings }) => pings);
      // Two more rounds: the first after the stall, and the one that judged its pongs.
      await expect
        .poll(() => bystanders.every(({ client, pings }, i) => client.closed || pings >= (before[i] ?? 0) + 2), POLL)
        .toBe(true);

      const closed = bystanders.filter(({ client }) => client.closed).length;
      expect(closed, `${closed} of ${BYSTANDERS} bystanders were closed`).toBe(0);
      const runs = await Promise.all(bystanders.map(({ client }) => client.runToCompletion('what is 6 * 7?')));
      for (const { events } of runs) {
        expect(events.at(-1)).toMatchObject({ type: 'agent_completed', payload: { text: '6 * 7 = 42' } });
      }
    },
    30_000,
  );

  it('still terminates a peer that stops answering, at the first on-time tick after a stall', async () => {
    const url = await serve();
    const live = await connect(url);
    const dead = await connect(url, { autoPong: false });

    await stallOnNextPing(live, 5 * INTERVAL_MS);
    expect(dead.closed, 'the silent peer was still open when the stall began').toBeUndefined();
    await expect.poll(() => dead.closed?.code, POLL).toBe(1006);
    expect(live.closed).toBeUndefined();
  });
});

class FakeSocket extends EventEmitter {
  pings = 0;
  terminated = false;

  ping(): void {
    this.pings += 1;
  }

  terminate(): void {
    this.terminated = true;
  }
}

/** A `WebSocketServer` as far as the heartbeat sees one, with fake timers and a clock the test moves. */
function fakeHeartbeat(socketCount: number) {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setImmediate', 'clearImmediate'] });
  let now = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  const wss = Object.assign(new EventEmitter(), { clients: new Set<FakeSocket>() });
  const stop = startHeartbeat(wss as unknown as WebSocketServer, { intervalMs: INTERVAL_MS });
  const sockets = Array.from({ length: socketCount }, () => new FakeSocket());
  for (const socket of sockets) {
    wss.clients.add(socket);
    wss.emit('connection', socket);
  }
  return {
    sockets,
    stop,
    /** The next tick, `after` intervals after the previous one; `deferred: false` stops before its deferred round. */
    tick(after = 1, { deferred = true } = {}) {
      now += after * INTERVAL_MS;
      vi.advanceTimersToNextTimer();
      // The interval is always pending; anything more is the round it deferred to the check phase.
      if (deferred && vi.getTimerCount() > 1) vi.advanceTimersToNextTimer();
    },
  };
}

describe('startHeartbeat', () => {
  it('terminates a socket that left a ping unanswered until the next tick', () => {
    const { sockets, tick } = fakeHeartbeat(2);
    const [live, dead] = sockets as [FakeSocket, FakeSocket];
    tick();
    expect([live.pings, dead.pings]).toEqual([1, 1]);
    live.emit('pong');
    tick();
    expect([live.terminated, dead.terminated]).toEqual([false, true]);
    expect(live.pings).toBe(2);
  });

  it('treats a late tick as a fresh round: pings everyone, terminates nobody', () => {
    const { sockets, tick } = fakeHeartbeat(2);
    const [live, dead] = sockets as [FakeSocket, FakeSocket];
    tick();
    tick(5); // our own loop stalled: neither pong could have been read
    expect([live.terminated, dead.terminated]).toEqual([false, false]);
    expect([live.pings, dead.pings]).toEqual([2, 2]);
    live.emit('pong');
    tick(); // on time again: the silent peer has had a whole interval
    expect([live.terminated, dead.terminated]).toEqual([false, true]);
  });

  it('judges an on-time tick only after the pongs already waiting are read', () => {
    const { sockets, tick } = fakeHeartbeat(1);
    const [socket] = sockets as [FakeSocket];
    tick();
    tick(1.2, { deferred: false });
    socket.emit('pong'); // read in the poll phase, between the timer and the deferred round
    vi.advanceTimersToNextTimer();
    expect(socket.terminated).toBe(false);
    expect(socket.pings).toBe(2);
  });

  it('stops pinging once stopped, including a round already deferred', () => {
    const { sockets, tick, stop } = fakeHeartbeat(1);
    const [socket] = sockets as [FakeSocket];
    tick(1, { deferred: false });
    const pings = socket.pings;
    stop();
    vi.advanceTimersByTime(10 * INTERVAL_MS);
    expect(socket.pings).toBe(pings);
  });
});
