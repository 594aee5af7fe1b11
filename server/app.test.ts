import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type WebSocket from 'ws';
import {
  checkRunLifecycle,
  formatViolations,
  MAX_CLIENT_FRAME_BYTES,
  REQUIRED_EVENT_TYPES,
  type RunEvent,
} from '../protocol';
import type { RunningServer } from './app';
import { startTestServer } from './testing/test-server';
import { WsTestClient } from './testing/ws-test-client';

let server: RunningServer;
let wsUrl: string;
const clients: WsTestClient[] = [];

async function connect(options?: WebSocket.ClientOptions, token?: string): Promise<WsTestClient> {
  const client = await WsTestClient.connectAs(server.url, token, options);
  clients.push(client);
  return client;
}

function expectValidLifecycle(events: RunEvent[]): void {
  const violations = checkRunLifecycle(events, { requireSeqFromOne: false });
  expect(violations, formatViolations(violations)).toEqual([]);
}

beforeAll(async () => {
  server = await startTestServer();
  wsUrl = `${server.url.replace('http', 'ws')}/ws`;
});

afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

describe('HTTP', () => {
  it('answers /healthz with 200 JSON', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toMatchObject({ status: 'ok' });
  });

  it('answers an unknown /api route with a 404 JSON error', async () => {
    const response = await fetch(`${server.url}/api/nope`);
    expect(response.status).toBe(404);
    await expect(response.json()).resolves.toMatchObject({ error: { code: 'not_found' } });
  });

  it('lists agents, tools and scenarios', async () => {
    const agents = await (await fetch(`${server.url}/api/agents`)).json();
    expect(agents.agents.map((agent: { name: string }) => agent.name)).toEqual([
      'assistant',
      'scenario',
      'replay',
      'help',
      'commands',
    ]);
    const tools = await (await fetch(`${server.url}/api/tools`)).json();
    expect(tools.tools.map((tool: { name: string }) => tool.name)).toEqual(
      expect.arrayContaining(['calculator', 'docs_search', 'clock']),
    );
    const scenarios = await (await fetch(`${server.url}/api/scenarios`)).json();
    expect(scenarios.enabled).toBe(true);
  });
});

describe('security headers', () => {
  it('sends a CSP without inline script or framing, nosniff, X-Frame-Options and a Referrer-Policy', async () => {
    for (const path of ['/', '/api/scenarios', '/healthz']) {
      const { headers } = await fetch(`${server.url}${path}`);
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    }
  });
});

describe('session cookie', () => {
  const cookieOf = async (url: string, headers: Record<string, string> = {}) =>
    (
      await fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: 'Ada' }),
      })
    ).headers.get('set-cookie') ?? '';

  it('is Secure behind a trusted TLS proxy, and not otherwise', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    expect(await cookieOf(server.url, https)).not.toMatch(/;\s*Secure/i); // no proxy is trusted by default
    const proxied = await startTestServer({ trustProxy: 'loopback' });
    onTestFinished(() => proxied.close());
    expect(await cookieOf(proxied.url, https)).toMatch(/;\s*Secure/i);
    expect(await cookieOf(proxied.url)).not.toMatch(/;\s*Secure/i);
  });

  it('is cleared by DELETE /api/session (logout)', async () => {
    const logout = await fetch(`${server.url}/api/session`, { method: 'DELETE' });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/^agent_session=;.*Expires=Thu, 01 Jan 1970/);
  });
});

describe('test switches', () => {
  it('refuses to start with scenarios on beyond loopback, before listening', async () => {
    await expect(startTestServer({ host: '0.0.0.0', scenarios: true })).rejects.toThrow(
      /AGENT_SCENARIOS is a test switch: .* listens only on loopback/,
    );
  });
});

describe('identity-provider mode', () => {
  it('refuses guest sessions with 403 unless ALLOW_GUESTS turns them on', async () => {
    const idp = { jwksUrl: 'http://127.0.0.1:9/jwks.json', issuer: 'https://idp.test', audience: 'chat' };
    const strict = await startTestServer({ sessions: idp });
    onTestFinished(() => strict.close());
    const refused = await fetch(`${strict.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Mallory' }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: {
        code: 'forbidden',
        message: 'guest sessions are off on this server: sign in with its identity provider',
      },
    });
    const open = await startTestServer({ sessions: { ...idp, allowGuests: true } });
    onTestFinished(() => open.close());
    await expect(WsTestClient.signIn(open.url)).resolves.toMatchObject({ token: expect.any(String) });
  });
});

describe('POST /api/session', () => {
  it('answers a body over 4 KiB with 413 and bad JSON with 400, each with a clear error', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const big = await post(JSON.stringify({ name: 'x'.repeat(10_000) }));
    expect([big.status, await big.json()]).toEqual([
      413,
      { error: { code: 'invalid_message', message: 'the request body is over its limit of 4096 bytes' } },
    ]);
    const bad = await post('{not json');
    expect([bad.status, await bad.json()]).toEqual([
      400,
      { error: { code: 'invalid_message', message: 'the request body is not valid JSON' } },
    ]);
  });
});

describe('GET /api/session', () => {
  it('answers 204 without a session, 401 for an invalid one and 200 for a valid one', async () => {
    expect((await fetch(`${server.url}/api/session`)).status).toBe(204);
    expect((await fetch(`${server.url}/api/session?token=not-a-jwt`)).status).toBe(401);
    const { token } = await WsTestClient.signIn(server.url);
    const valid = await fetch(`${server.url}/api/session?token=${token}`);
    expect(valid.status).toBe(200);
    expect(await valid.json()).toMatchObject({ name: expect.any(String) });
  });
});

describe('GET /api/threads', () => {
  it("lists the caller's threads, newest first, titled by their first message, and no one else's", async () => {
    const { token } = await WsTestClient.signIn(server.url);
    const client = await connect(undefined, token);
    const first = await client.runToCompletion('what is 2 + 3?');
    await client.runToCompletion('and 4 * 5?', first.threadId);
    const second = await client.runToCompletion('hello');
    const list = async (query: string) => (await fetch(`${server.url}/api/threads${query}`)).json();
    const { threads } = await list(`?token=${token}`);
    expect(threads).toEqual([
      { threadId: second.threadId, title: 'hello', updatedAt: expect.any(Number) },
      { threadId: first.threadId, title: 'what is 2 + 3?', updatedAt: expect.any(Number) },
    ]);
    const other = await WsTestClient.signIn(server.url);
    expect(await list(`?token=${other.token}`)).toEqual({ threads: [] });
    expect((await fetch(`${server.url}/api/threads`)).status).toBe(401);
  });
});

describe('WebSocket upgrade', () => {
  it('refuses a disallowed Origin with 403 and accepts its own', async () => {
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('upgrade refused: 403');
    await expect(connect({ origin: server.url })).resolves.toBeInstanceOf(WsTestClient);
  });

  it('refuses a missing or invalid session token with 401', async () => {
    await expect(WsTestClient.connect(wsUrl)).rejects.toThrow('upgrade refused: 401');
    await expect(WsTestClient.connect(`${wsUrl}?token=not-a-jwt`)).rejects.toThrow('upgrade refused: 401');
    const { token } = await WsTestClient.signIn(server.url);
    const forged = `${token.slice(0, -4)}AAAA`;
    await expect(WsTestClient.connect(`${wsUrl}?token=${forged}`)).rejects.toThrow('upgrade refused: 401');
  });

  it('refuses a user over its socket cap with 429, and takes one again once a socket closes', async () => {
    const capped = await startTestServer({ maxSocketsPerUser: 2 });
    onTestFinished(() => capped.close());
    const { token } = await WsTestClient.signIn(capped.url);
    const [first, second] = [
      await WsTestClient.connectAs(capped.url, token),
      await WsTestClient.connectAs(capped.url, token),
    ];
    await expect(WsTestClient.connectAs(capped.url, token)).rejects.toThrow('upgrade refused: 429');
    const other = await WsTestClient.signIn(capped.url);
    const stranger = await WsTestClient.connectAs(capped.url, other.token);
    first.close();
    await expect
      .poll(() =>
        WsTestClient.connectAs(capped.url, token).then(
          (client) => client.close(),
          () => 'refused',
        ),
      )
      .not.toBe('refused');
    second.close();
    stranger.close();
  });

  it('refuses an address over its socket cap, all its users together', async () => {
    const capped = await startTestServer({ maxSocketsPerAddress: 2 });
    onTestFinished(() => capped.close());
    const connectNew = async () => WsTestClient.connectAs(capped.url, (await WsTestClient.signIn(capped.url)).token);
    const open = [await connectNew(), await connectNew()];
    await expect(connectNew()).rejects.toThrow('upgrade refused: 429');
    for (const client of open) client.close();
  });

  it('refuses paths other than /ws with 404', async () => {
    await expect(WsTestClient.connect(wsUrl.replace(/\/ws$/, '/other'))).rejects.toThrow('upgrade refused: 404');
  });
});

describe('runs', () => {
  it('acknowledges a message, then streams every required event in a valid lifecycle', async () => {
    const client = await connect();
    const { events } = await client.runToCompletion('what is 12 * (3 + 4)?');
    expect(client.messages[0]).toMatchObject({ type: 'message_accepted' });
    expectValidLifecycle(events);
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(REQUIRED_EVENT_TYPES));
    const completed = events.at(-1);
    expect(completed?.payload).toMatchObject({ status: 'success' });
    expect(completed?.type === 'agent_completed' && completed.payload.text).toContain('= 84');
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  });

  it('continues a thread with seq rising across runs', async () => {
    const client = await connect();
    const first = await client.runToCompletion('hello');
    const second = await client.runToCompletion('2 + 2', first.threadId);
    expect(second.threadId).toBe(first.threadId);
    expect(second.events[0]?.seq).toBe((first.events.at(-1)?.seq ?? 0) + 1);
    expectValidLifecycle([...first.events, ...second.events]);
  });

  it('does not send one thread’s events to another client', async () => {
    const [alice, bob] = [await connect(), await connect()];
    await Promise.all([alice.runToCompletion('1 + 1'), bob.runToCompletion('2 + 2')]);
    const threadsOf = (client: WsTestClient) => new Set(client.events().map((event) => event.threadId));
    expect(threadsOf(alice).size).toBe(1);
    expect(threadsOf(bob).size).toBe(1);
    expect([...threadsOf(alice)][0]).not.toBe([...threadsOf(bob)][0]);
  });

  it('cancels a run on request, ending it as cancelled', async () => {
    const client = await connect();
    client.send({ type: 'user_message', clientMessageId: 'slow', text: '/scenario slow-stream 60000' });
    const accepted = await client.next((m) => m.type === 'message_accepted');
    if (accepted.type !== 'message_accepted') throw new Error('unreachable');
    await client.next((m) => m.type === 'partial_result');
    client.send({ type: 'cancel', runId: accepted.runId });
    const done = await client.next((m) => m.type === 'agent_completed');
    expect(done.type === 'agent_completed' && done.payload.status).toBe('cancelled');
    expectValidLifecycle(client.events(accepted.runId));
  });

  it('refuses a second message on a busy thread with thread_busy', async () => {
    const client = await connect();
    client.send({ type: 'user_message', clientMessageId: 'first', text: '/scenario slow-stream 60000' });
    const accepted = await client.next((m) => m.type === 'message_accepted');
    if (accepted.type !== 'message_accepted') throw new Error('unreachable');
    client.send({ type: 'user_message', clientMessageId: 'second', text: 'hi', threadId: accepted.threadId });
    await expect(client.next((m) => m.type === 'error')).resolves.toMatchObject({
      code: 'thread_busy',
      clientMessageId: 'second',
    });
    client.send({ type: 'cancel', runId: accepted.runId });
    await client.next((m) => m.type === 'agent_completed');
  });
});

describe('scenarios', () => {
  const quick: Record<string, string> = {
    'slow-tool': '0',
    'long-thinking': '0',
    'slow-stream': '0',
    burst: '500',
  };

  it('plays every scenario file to a valid lifecycle', async () => {
    const { scenarios } = await (await fetch(`${server.url}/api/scenarios`)).json();
    expect(scenarios.length).toBeGreaterThanOrEqual(8);
    const client = await connect();
    for (const { name } of scenarios as { name: string }[]) {
      const { events } = await client.runToCompletion(`/scenario ${name} ${quick[name] ?? ''}`);
      expectValidLifecycle(events);
    }
  });

  it('reports a failing tool as an error and still completes the run', async () => {
    const client = await connect();
    const { events } = await client.runToCompletion('/scenario tool-error');
    const toolDone = events.find((event) => event.type === 'tool_completed');
    expect(toolDone?.payload).toMatchObject({ status: 'error', error: 'upstream service unavailable' });
    expect(events.at(-1)?.payload).toMatchObject({ status: 'success' });
  });

  it('delivers a burst completely and in order', async () => {
    const client = await connect();
    const { events } = await client.runToCompletion('/scenario burst 5000');
    expect(events.filter((event) => event.type === 'partial_result')).toHaveLength(5000);
    expectValidLifecycle(events);
  });

  it('fails the run with a clear error for an unknown scenario or a bad argument', async () => {
    const client = await connect();
    const unknown = await client.runToCompletion('/scenario nope');
    expect(unknown.events.at(-1)?.payload).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^unknown scenario "nope"; available: /),
    });
    const bad = await client.runToCompletion('/scenario burst lots');
    expect(bad.events.at(-1)?.payload).toMatchObject({
      status: 'failed',
      error: 'count must be an integer from 1 to 100000, got "lots"',
    });
  });
});

describe('bad input', () => {
  it('answers each kind of bad frame with its error code and keeps the socket open', async () => {
    const client = await connect();
    client.sendRaw('{not json');
    client.send({ type: 'teleport' });
    client.send({ type: 'user_message', clientMessageId: 'c1' });
    client.send({ type: 'cancel', runId: 'no-such-run' });
    client.send({ type: 'user_message', clientMessageId: 'c2', text: 'hi', threadId: 'no-such-thread' });
    client.sendRaw(Buffer.from([1, 2, 3]), true);
    await client.until(() => client.messages.length >= 6);
    expect(client.messages.map((m) => m.type === 'error' && m.code)).toEqual([
      'bad_json',
      'unknown_type',
      'invalid_message',
      'not_found',
      'not_found',
      'invalid_message',
    ]);
    expect(client.messages[2]).toMatchObject({ message: 'text: Invalid input: expected string, received undefined' });
    const { events } = await client.runToCompletion('still here?');
    expectValidLifecycle(events);
  });

  it('closes the socket with 1009 for a frame over 64 KiB, and keeps serving others', async () => {
    const [victim, bystander] = [await connect(), await connect()];
    victim.sendRaw('x'.repeat(MAX_CLIENT_FRAME_BYTES + 1));
    await victim.until(() => victim.closed !== undefined).catch(() => {});
    expect(victim.closed?.code).toBe(1009);
    const { events } = await bystander.runToCompletion('1 + 2');
    expectValidLifecycle(events);
  });

  it('closes the socket with 1007 for a text frame that is not UTF-8, and keeps serving others', async () => {
    const [victim, bystander] = [await connect(), await connect()];
    // A lone continuation byte: ws sends the buffer as a text frame as is.
    victim.socket.send(Buffer.from([0x7b, 0x80, 0x7d]), { binary: false });
    await victim.until(() => victim.closed !== undefined).catch(() => {});
    expect(victim.closed?.code).toBe(1007);
    const { events } = await bystander.runToCompletion('1 + 2');
    expectValidLifecycle(events);
  });
});
