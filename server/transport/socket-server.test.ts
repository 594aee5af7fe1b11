import { afterEach, describe, expect, it } from 'vitest';
import { checkRunLifecycle, formatViolations } from '../../protocol';
import type { RunningServer } from '../app';
import type { ServerOptions } from '../config';
import { startTestServer } from '../testing/test-server';
import { WsTestClient } from '../testing/ws-test-client';

const servers: RunningServer[] = [];
const clients: WsTestClient[] = [];

async function serve(options: ServerOptions = {}): Promise<string> {
  // Returns the base URL; connect() signs in a new user.
  const server = await startTestServer(options);
  servers.push(server);
  return server.url;
}

async function connect(url: string, options?: Parameters<typeof WsTestClient.connect>[1], token?: string) {
  const client = await WsTestClient.connectAs(url, token, options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await server.close();
});

describe('rate limits', () => {
  it('answers a flood with rate_limited and still answers every message', async () => {
    const url = await serve({ messageRate: 1, messageBurst: 10 });
    const client = await connect(url);
    for (let i = 0; i < 30; i += 1) client.send({ type: 'cancel', runId: `r-${i}` });
    await client.until(() => client.messages.length === 30);
    const codes = client.messages.map((message) => (message.type === 'error' ? message.code : message.type));
    expect(codes.filter((code) => code === 'not_found').length).toBeGreaterThanOrEqual(10);
    expect(codes.filter((code) => code === 'rate_limited').length).toBeGreaterThanOrEqual(15);
    expect(codes.filter((code) => code !== 'not_found' && code !== 'rate_limited')).toEqual([]);
    expect(client.messages.find((m) => m.type === 'error' && m.code === 'rate_limited')).toMatchObject({
      message: 'too many messages: at most 1/s (bursts of 10)',
    });

    const bystander = await connect(url);
    await expect(bystander.runToCompletion('1 + 1')).resolves.toMatchObject({ events: expect.any(Array) });
  });

  it("holds a user to one message rate across all its sockets, and leaves other users' alone", async () => {
    const url = await serve({ messageRate: 1_000, messageBurst: 1_000, userMessageRate: 1, userMessageBurst: 10 });
    const { token } = await WsTestClient.signIn(url);
    const sockets = await Promise.all(Array.from({ length: 5 }, () => connect(url, undefined, token)));
    for (const socket of sockets) for (let i = 0; i < 6; i += 1) socket.send({ type: 'cancel', runId: `r-${i}` });
    for (const socket of sockets) await socket.until(() => socket.messages.length === 6);
    const codes = sockets.flatMap((socket) => socket.messages.map((m) => (m.type === 'error' ? m.code : m.type)));
    // 30 messages, each socket well within its own limit: the user's burst of 10 (plus a token or two) passes.
    expect(codes.filter((code) => code === 'not_found').length).toBeLessThanOrEqual(12);
    expect(codes.filter((code) => code === 'rate_limited').length).toBeGreaterThanOrEqual(18);
    const refused = sockets
      .flatMap((socket) => socket.messages)
      .find((m) => m.type === 'error' && m.code === 'rate_limited');
    expect(refused).toMatchObject({
      message: 'too many messages from this user: at most 1/s across all its sockets (bursts of 10)',
    });

    const bystander = await connect(url);
    await expect(bystander.runToCompletion('1 + 1')).resolves.toMatchObject({ events: expect.any(Array) });
  });

  it('caps concurrent runs per connection with rate_limited', async () => {
    const url = await serve({ maxConcurrentRuns: 2 });
    const client = await connect(url);
    for (const id of ['a', 'b', 'c']) {
      client.send({ type: 'user_message', clientMessageId: id, text: '/scenario slow-stream 60000' });
    }
    await client.until(
      () => client.messages.filter((m) => m.type !== 'error' || m.code === 'rate_limited').length >= 3,
    );
    const refused = client.messages.find((m) => m.type === 'error');
    expect(refused).toMatchObject({ code: 'rate_limited', clientMessageId: 'c' });
    const accepted = client.messages.filter((m) => m.type === 'message_accepted');
    expect(accepted).toHaveLength(2);
    for (const run of accepted) if (run.type === 'message_accepted') client.send({ type: 'cancel', runId: run.runId });
    await client.until(() => client.events().filter((event) => event.type === 'agent_completed').length === 2);
  });
});

describe('heartbeat', () => {
  it('terminates a socket that stops answering pings, and keeps a live one', async () => {
    const url = await serve({ heartbeatIntervalMs: 40 });
    const live = await connect(url);
    const dead = await connect(url, { autoPong: false });
    let pings = 0;
    live.socket.on('ping', () => {
      pings += 1;
    });
    await dead.until(() => dead.closed !== undefined).catch(() => {});
    expect(dead.closed?.code).toBe(1006);
    await expect.poll(() => pings).toBeGreaterThanOrEqual(3);
    expect(live.closed).toBeUndefined();
  });
});

describe('backpressure', () => {
  it('closes a client that never reads with 1013, and loses nothing when it resumes', async () => {
    const url = await serve({ highWaterBytes: 16 * 1024, maxQueuedBytes: 128 * 1024 });
    const server = servers.at(-1) as RunningServer;
    const { token } = await WsTestClient.signIn(url);
    const reader = await WsTestClient.connectAs(url, token);
    clients.push(reader);
    // 20,000 deltas (about 2 MB) against a 128 KiB queue: the property needs the overflow, not a bigger one.
    reader.send({ type: 'user_message', clientMessageId: 'burst', text: '/scenario burst 20000' });
    const accepted = await reader.next((m) => m.type === 'message_accepted');
    if (accepted.type !== 'message_accepted') throw new Error('unreachable');
    reader.socket.pause(); // stop reading: the kernel buffers fill, then the server's send buffer
    await expect.poll(() => server.runs.activeRunCount).toBe(0);
    reader.socket.resume();
    await reader.until(() => reader.closed !== undefined).catch(() => {});
    expect(reader.closed?.code).toBe(1013);

    const last = reader.events().at(-1)?.seq ?? 0;
    const again = await WsTestClient.connectAs(url, token);
    clients.push(again);
    again.send({ type: 'resume', threadId: accepted.threadId, afterSeq: last });
    await again.next((m) => m.type === 'agent_completed');
    const stitched = [...reader.events(), ...again.events()];
    const violations = checkRunLifecycle(stitched);
    expect(violations, formatViolations(violations)).toEqual([]);
    const text = stitched.flatMap((e) => (e.type === 'partial_result' ? [e.payload.delta] : [])).join('');
    const completed = stitched.at(-1);
    expect(completed?.type === 'agent_completed' && completed.payload.text).toBe(text);
  });
});

describe('upgrade', () => {
  it('survives peers that reset the connection mid-upgrade', async () => {
    const url = await serve();
    const { port } = new URL(url);
    const { connect: tcpConnect } = await import('node:net');
    for (let i = 0; i < 20; i += 1) {
      await new Promise<void>((resolve) => {
        const socket = tcpConnect(Number(port), '127.0.0.1', () => {
          socket.write(
            `GET /ws${i % 2 ? '?token=bad' : ''} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
          );
          socket.resetAndDestroy();
          resolve();
        });
        socket.on('error', () => resolve());
      });
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
