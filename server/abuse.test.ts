/**
 * A bounded attack on a real server process with its default caps, all from
 * one address on loopback: sessions minted in a loop, sockets opened past the
 * caps, a message flood across one user's sockets, and runs past the per-user
 * cap. Every cap must hold, with 429 or rate_limited, and a bystander's run,
 * started while they are being hit, must finish in about its normal time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkRunLifecycle, formatViolations, httpErrorBodySchema, percentile } from '../protocol';
import { DEFAULT_SESSIONS_PER_MINUTE } from './auth/session-mint-limit';
import { DEFAULT_MAX_CONCURRENT_RUNS } from './runtime/run-admission';
import { ServerProcess } from './testing/server-process';
import { WsTestClient } from './testing/ws-test-client';
import { DEFAULT_MAX_SOCKETS_PER_ADDRESS, DEFAULT_MAX_SOCKETS_PER_USER } from './transport/socket-server';

const BYSTANDER_MESSAGE = 'what is 17 * 23?';
/** How much slower than normal the bystander's run may be under attack: "about its normal time", on a busy machine. */
const SLOWDOWN_ALLOWED = 3;

let server: ServerProcess | undefined;
const clients: WsTestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server?.stop();
  server = undefined;
});

async function timedRun(client: WsTestClient): Promise<number> {
  const startedAt = performance.now();
  const { events } = await client.runToCompletion(BYSTANDER_MESSAGE);
  const violations = checkRunLifecycle(events);
  expect(violations, formatViolations(violations)).toEqual([]);
  expect(events.at(-1)).toMatchObject({ type: 'agent_completed', payload: { status: 'success' } });
  return performance.now() - startedAt;
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

async function mintSessions(url: string, attempts: number) {
  const answers = await Promise.all(
    Array.from({ length: attempts }, () =>
      fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'attacker' }),
      }),
    ),
  );
  const tokens: string[] = [];
  for (const answer of answers) {
    if (answer.status === 201) tokens.push(((await answer.json()) as { token: string }).token);
    else {
      expect([answer.status, answer.headers.get('retry-after')]).toEqual([429, expect.stringMatching(/^\d+$/)]);
      expect(httpErrorBodySchema.parse(await answer.json()).error.code).toBe('rate_limited');
    }
  }
  return { tokens, refused: attempts - tokens.length };
}

async function openSockets(url: string, token: string, attempts: number) {
  const opened = await Promise.allSettled(Array.from({ length: attempts }, () => WsTestClient.connectAs(url, token)));
  const sockets = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  clients.push(...sockets);
  for (const result of opened) if (result.status === 'rejected') expect(String(result.reason)).toMatch(/429/);
  return { sockets, refused: attempts - sockets.length };
}

/** Sends `perSocket` pings on each socket at once, in rounds, until `until` settles; counts the answers. */
async function flood(sockets: WsTestClient[], perSocket: number, until: Promise<unknown>) {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const startedAt = performance.now();
  let expected = 0;
  do {
    expected += perSocket;
    for (const socket of sockets) for (let i = 0; i < perSocket; i += 1) socket.send({ type: 'ping' });
    await Promise.all(sockets.map((socket) => socket.until(() => socket.messages.length >= expected)));
  } while (!done);
  const answers = sockets.flatMap((socket) => socket.messages);
  return {
    ms: performance.now() - startedAt,
    sent: expected * sockets.length,
    answered: answers.filter((m) => m.type === 'pong').length,
    refused: answers.filter((m) => m.type === 'error' && m.code === 'rate_limited').length,
  };
}

/** Asks for more runs at once than the per-user cap allows; counts how many were refused. */
async function overRunCap(socket: WsTestClient, attempts: number) {
  for (let i = 0; i < attempts; i += 1) {
    socket.send({ type: 'user_message', clientMessageId: `run-${i}`, text: '/scenario slow-stream 60000' });
  }
  const replies = () => socket.messages.filter((m) => m.type === 'message_accepted' || m.type === 'error');
  await socket.until(() => replies().length >= attempts);
  return replies().filter((m) => m.type === 'error' && m.code === 'rate_limited').length;
}

describe('under abuse from one address', () => {
  it("holds every cap, and still finishes a bystander's run in about its normal time", async () => {
    server = await ServerProcess.start({ env: { AGENT_SCENARIOS: '1', AGENT_PACE_MS: '100' } });
    const { url } = server;
    const firstMintAt = performance.now();
    const bystander = await WsTestClient.connectAs(url);
    clients.push(bystander);
    const normal = median([await timedRun(bystander), await timedRun(bystander), await timedRun(bystander)]);

    const sessions = await mintSessions(url, 100);
    const [first, ...others] = sessions.tokens as [string, ...string[]];
    const oneUser = await openSockets(url, first, DEFAULT_MAX_SOCKETS_PER_USER + 8);
    expect(oneUser.sockets).toHaveLength(DEFAULT_MAX_SOCKETS_PER_USER);
    const manyUsers = await Promise.all(
      others.slice(0, 5).map((token) => openSockets(url, token, DEFAULT_MAX_SOCKETS_PER_USER)),
    );
    const open = oneUser.sockets.length + manyUsers.reduce((sum, user) => sum + user.sockets.length, 0);
    expect(open + 1).toBeLessThanOrEqual(DEFAULT_MAX_SOCKETS_PER_ADDRESS); // +1: the bystander's
    const runsRefused = await overRunCap(manyUsers[0]?.sockets[0] as WsTestClient, DEFAULT_MAX_CONCURRENT_RUNS + 6);
    expect(runsRefused).toBe(6);

    // The bystander's run, while one user floods the server across its sockets and more sessions are asked for.
    const underAttack = timedRun(bystander);
    const [messages, moreSessions] = await Promise.all([
      flood(oneUser.sockets, 20, underAttack),
      mintSessions(url, 50),
    ]);
    const attacked = await underAttack;
    // A burst of 30, then one more every 2 s; the bystander's own session came out of the same allowance.
    const minted = 1 + sessions.tokens.length + moreSessions.tokens.length;
    const refilled = Math.ceil(((performance.now() - firstMintAt) / 60_000) * DEFAULT_SESSIONS_PER_MINUTE);
    expect(minted).toBeLessThanOrEqual(DEFAULT_SESSIONS_PER_MINUTE + refilled);
    expect(messages.answered + messages.refused).toBe(messages.sent);
    // 80 at once, then 40/s, however many sockets carry them.
    expect(messages.answered).toBeLessThanOrEqual(80 + 40 * Math.ceil(messages.ms / 1000));

    const figures = {
      normalMs: Math.round(normal),
      underAttackMs: Math.round(attacked),
      sessionsRefused: sessions.refused + moreSessions.refused,
      socketsRefused: oneUser.refused + manyUsers.reduce((sum, user) => sum + user.refused, 0),
      messagesSent: messages.sent,
      messagesRefused: messages.refused,
      runsRefused,
    };
    console.info(`abuse figures: ${JSON.stringify(figures)}`);
    expect(attacked).toBeLessThan(normal * SLOWDOWN_ALLOWED);
  });
});
