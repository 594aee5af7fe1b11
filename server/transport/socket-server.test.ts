import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../app';
import type { ServerOptions } from '../config';
import { WsTestClient } from '../testing/ws-test-client';

const servers: RunningServer[] = [];
const clients: WsTestClient[] = [];

async function serve(options: ServerOptions = {}): Promise<string> {
  // Returns the base URL; connect() signs in a new user.
  const server = await startServer({
    port: 0,
    logLevel: 'silent',
    scenarios: true,
    agentPaceMs: 0,
    journalPath: ':memory:',
    ...options,
  });
  servers.push(server);
  return server.url;
}

async function connect(url: string, options?: Parameters<typeof WsTestClient.connect>[1]) {
  const client = await WsTestClient.connectAs(url, undefined, options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await server.close();
});

describe('rate limits', () => {
  it('should answer a flood with rate_limited and still answer every message', async () => {
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

  it('should cap concurrent runs per connection with rate_limited', async () => {
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
  it('should terminate a socket that stops answering pings, and keep a live one', async () => {
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
