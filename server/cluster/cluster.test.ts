/**
 * Several server nodes on one real Redis (a redis-server of the test's own):
 * a socket on one node resumes and follows a run executing on another, a
 * cancel crosses nodes, a user's run cap holds across nodes, and a node
 * killed with SIGKILL mid-run has its run closed as interrupted by a survivor.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { checkRunLifecycle, formatViolations, httpErrorBodySchema, type RunEvent } from '../../protocol';
import type { RunningServer } from '../app';
import { redisUnavailable, startTestRedis, type TestRedis } from '../testing/redis-server';
import { ServerProcess } from '../testing/server-process';
import { startTestServer } from '../testing/test-server';
import { WsTestClient } from '../testing/ws-test-client';

const SECRET = 'cluster-test-secret-0123456789';

// The embedded default needs no Redis: without one here, say why these cannot run (`.ci/run` installs it).
const whyNoRedis = await redisUnavailable();
if (whyNoRedis) console.warn(`cluster tests cannot run: ${whyNoRedis}`);

let redis: TestRedis;
const nodes: RunningServer[] = [];

function startNode(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<RunningServer> {
  return startTestServer({
    redisUrl: redis.url,
    nodeLeaseMs: 600,
    sessions: { secret: SECRET },
    agentPaceMs: 5,
    ...overrides,
  }).then((node) => {
    nodes.push(node);
    return node;
  });
}

beforeAll(async () => {
  if (!whyNoRedis) redis = await startTestRedis();
});

afterAll(async () => {
  for (const node of nodes) await node.close();
  await redis?.stop();
});

function expectWhole(events: readonly RunEvent[]): void {
  const seqs = events.map((event) => event.seq);
  expect(new Set(seqs).size, 'no event twice').toBe(seqs.length);
  expect(seqs, 'no gap').toEqual(seqs.map((_, i) => (seqs[0] ?? 1) + i));
  const violations = checkRunLifecycle(events);
  expect(violations, formatViolations(violations)).toEqual([]);
}

describe.skipIf(whyNoRedis !== undefined)('a cluster of nodes on one Redis', () => {
  it('lets a socket on another node resume a run mid-way and follows it to the end, nothing lost or repeated', async () => {
    const [a, b] = [await startNode(), await startNode()];
    const { token } = await WsTestClient.signIn(a.url);
    const onA = await WsTestClient.connectAs(a.url, token);
    onA.send({ type: 'user_message', clientMessageId: 'c1', text: '/scenario slow-tool 400' });
    await onA.until(() => onA.events().some((event) => event.type === 'tool_executing'));
    const seen = onA.events();
    onA.close();
    const onB = await WsTestClient.connectAs(b.url, token);
    const last = seen.at(-1) as RunEvent;
    onB.send({ type: 'resume', threadId: last.threadId, afterSeq: last.seq });
    await onB.until(() => onB.events().some((event) => event.type === 'agent_completed'));
    expectWhole([...seen, ...onB.events()]);
    onB.close();
  });

  it("lists a user's threads and serves their events on every node", async () => {
    const [a, b] = [await startNode(), await startNode()];
    const { token } = await WsTestClient.signIn(a.url);
    const onA = await WsTestClient.connectAs(a.url, token);
    const run = await onA.runToCompletion('/scenario basic');
    onA.close();
    const list = (await (await fetch(`${b.url}/api/threads?token=${token}`)).json()) as {
      threads: { threadId: string; title: string }[];
    };
    expect(list.threads).toEqual([expect.objectContaining({ threadId: run.threadId, title: '/scenario basic' })]);
    const page = (await (await fetch(`${b.url}/api/threads/${run.threadId}/events?token=${token}`)).json()) as {
      events: RunEvent[];
    };
    expect(page.events).toEqual(run.events);
  });

  it('stops a run from a cancel sent to another node', async () => {
    const [a, b] = [await startNode(), await startNode()];
    const { token } = await WsTestClient.signIn(a.url);
    const onA = await WsTestClient.connectAs(a.url, token);
    onA.send({ type: 'user_message', clientMessageId: 'c1', text: '/scenario slow-tool 60000' });
    await onA.until(() => onA.events().some((event) => event.type === 'tool_executing'));
    const runId = onA.events()[0]?.runId as string;
    const onB = await WsTestClient.connectAs(b.url, token);
    onB.send({ type: 'cancel', runId });
    await onA.until(() => onA.events().some((event) => event.type === 'agent_completed'));
    const end = onA.events().at(-1);
    expect(end?.type === 'agent_completed' && end.payload.status).toBe('cancelled');
    expectWhole(onA.events());
    onA.close();
    onB.close();
  });

  it("holds a user's cap on concurrent runs across nodes", async () => {
    const [a, b] = [await startNode({ maxConcurrentRuns: 1 }), await startNode({ maxConcurrentRuns: 1 })];
    const { token } = await WsTestClient.signIn(a.url);
    const onA = await WsTestClient.connectAs(a.url, token);
    onA.send({ type: 'user_message', clientMessageId: 'c1', text: '/scenario slow-tool 60000' });
    await onA.until(() => onA.events().some((event) => event.type === 'tool_executing'));
    const onB = await WsTestClient.connectAs(b.url, token);
    onB.send({ type: 'user_message', clientMessageId: 'c2', text: '/scenario basic' });
    const refused = await onB.next((m) => m.type === 'error' || m.type === 'message_accepted');
    expect(refused).toMatchObject({ type: 'error', code: 'rate_limited', clientMessageId: 'c2' });
    onA.send({ type: 'cancel', runId: onA.events()[0]?.runId as string });
    await onA.until(() => onA.events().some((event) => event.type === 'agent_completed'));
    onA.close();
    onB.close();
  });

  it('closes the run of a node killed with SIGKILL as interrupted, its open tool as an error, once', async () => {
    const dying = await ServerProcess.start({
      env: {
        REDIS_URL: redis.url,
        NODE_LEASE_MS: '600',
        SESSION_SECRET: SECRET,
        AGENT_SCENARIOS: '1',
        AGENT_PACE_MS: '5',
      },
    });
    const [b, c] = [await startNode(), await startNode()];
    const { token } = await WsTestClient.signIn(dying.url);
    const onDying = await WsTestClient.connectAs(dying.url, token);
    onDying.send({ type: 'user_message', clientMessageId: 'c1', text: '/scenario slow-tool 60000' });
    await onDying.until(() => onDying.events().some((event) => event.type === 'tool_executing'));
    const seen = onDying.events();
    dying.kill('SIGKILL');
    await dying.exited;
    const last = seen.at(-1) as RunEvent;
    const onB = await WsTestClient.connectAs(b.url, token);
    onB.send({ type: 'resume', threadId: last.threadId, afterSeq: last.seq });
    const onC = await WsTestClient.connectAs(c.url, token);
    onC.send({ type: 'resume', threadId: last.threadId, afterSeq: last.seq });
    await onB.until(() => onB.events().some((event) => event.type === 'agent_completed'));
    await onC.until(() => onC.events().some((event) => event.type === 'agent_completed'));
    const after = onB.events();
    expectWhole([...seen, ...after]);
    expect(onC.events(), 'both survivors show the same end, written once').toEqual(after);
    expect(after.map((event) => event.type)).toEqual(['tool_completed', 'agent_completed']);
    const end = after.at(-1);
    expect(end?.type === 'agent_completed' && end.payload.status).toBe('interrupted');
    onB.close();
    onC.close();
  });

  // Two server processes start in turn: more than the default hang guard on a busy machine.
  it('closes the runs of a node restarted under the same NODE_ID, before its lease would have expired', {
    timeout: 120_000,
  }, async () => {
    const env = {
      REDIS_URL: redis.url,
      NODE_ID: 'fixed-node',
      NODE_LEASE_MS: '60000',
      SESSION_SECRET: SECRET,
      AGENT_SCENARIOS: '1',
    };
    const before = await ServerProcess.start({ env });
    const { token } = await WsTestClient.signIn(before.url);
    const client = await WsTestClient.connectAs(before.url, token);
    client.send({ type: 'user_message', clientMessageId: 'c1', text: '/scenario slow-tool 60000' });
    await client.until(() => client.events().some((event) => event.type === 'tool_executing'));
    const seen = client.events();
    before.kill('SIGKILL');
    await before.exited;
    const after = await ServerProcess.start({ env });
    const last = seen.at(-1) as RunEvent;
    const again = await WsTestClient.connectAs(after.url, token);
    again.send({ type: 'resume', threadId: last.threadId, afterSeq: last.seq });
    await again.until(() => again.events().some((event) => event.type === 'agent_completed'));
    expectWhole([...seen, ...again.events()]);
    const end = again.events().at(-1);
    expect(end?.type === 'agent_completed' && end.payload.error).toBe('the server restarted before the run finished');
    again.close();
    await after.stop();
  });

  it('refuses new runs while Redis is down; a run under way loses nothing and ends once Redis is back', async () => {
    const own = await startTestRedis({ aof: true });
    onTestFinished(() => own.stop());
    const node = await startNode({ redisUrl: own.url });
    const { token } = await WsTestClient.signIn(node.url);
    const client = await WsTestClient.connectAs(node.url, token);
    client.send({ type: 'user_message', clientMessageId: 'c1', text: '/scenario slow-tool 1500' });
    await client.until(() => client.events().some((event) => event.type === 'tool_executing'));
    const seen = client.events();
    await own.kill(); // with its append-only file: what it acknowledged survives
    await expect.poll(async () => (await fetch(`${node.url}/healthz`)).status).toBe(503);
    client.send({ type: 'user_message', clientMessageId: 'c2', text: '/scenario basic' });
    const refused = await client.next((m) => m.type === 'error' && m.clientMessageId === 'c2');
    expect(refused).toMatchObject({ code: 'unavailable' });
    expect(refused.type === 'error' && refused.message).toContain('Redis');
    // The HTTP API says the same, in its own shape: 503, not a 404 or a 500.
    for (const path of ['/api/threads', `/api/threads/${seen[0]?.threadId}/events`]) {
      const answer = await fetch(`${node.url}${path}?token=${token}`);
      expect(answer.status, path).toBe(503);
      expect(httpErrorBodySchema.parse(await answer.json()).error.code, path).toBe('unavailable');
    }

    await own.start();
    await expect.poll(async () => (await fetch(`${node.url}/healthz`)).status).toBe(200);
    const last = seen.at(-1) as RunEvent;
    const again = await WsTestClient.connectAs(node.url, token);
    again.send({ type: 'resume', threadId: last.threadId, afterSeq: last.seq });
    await again.until(() => again.events().some((event) => event.type === 'agent_completed'));
    // The node held the run's events while Redis was down and wrote them, in order, once it was back.
    expectWhole([...seen, ...again.events()]);
    const end = again.events().at(-1);
    expect(end?.type === 'agent_completed' && end.payload.status).toBe('success');
    const next = await again.runToCompletion('/scenario basic', last.threadId);
    expect(next.events.at(-1)?.type).toBe('agent_completed');
    client.close();
    again.close();
  });
});
