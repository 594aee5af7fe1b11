import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRunLifecycle, formatViolations, httpErrorBodySchema, type RunEvent } from '../../protocol';
import type { RunningServer } from '../app';
import { startTestServer } from '../testing/test-server';
import { WsTestClient } from '../testing/ws-test-client';

let server: RunningServer;
let token: string;
const clients: WsTestClient[] = [];

/** Connects as the suite's one user, so resumes are of the user's own threads. */
async function connect(): Promise<WsTestClient> {
  const client = await WsTestClient.connectAs(server.url, token);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startTestServer();
  ({ token } = await WsTestClient.signIn(server.url));
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

/** Starts a run that streams, then holds until cancelled; resolves once `deltas` deltas have arrived. */
async function startHeldRun(client: WsTestClient, deltas: number) {
  client.send({ type: 'user_message', clientMessageId: 'held', text: '/scenario slow-stream 60000' });
  const accepted = await client.next((m) => m.type === 'message_accepted');
  if (accepted.type !== 'message_accepted') throw new Error('unreachable');
  await client.until(() => client.events().filter((e) => e.type === 'partial_result').length >= deltas);
  return accepted;
}

describe('resume', () => {
  it('replays events after afterSeq, then goes live, with no gap and no duplicate', async () => {
    const owner = await connect();
    const { threadId, runId } = await startHeldRun(owner, 4);

    const resumer = await connect();
    resumer.send({ type: 'resume', threadId, afterSeq: 3 });
    await resumer.until(() => resumer.events().length >= owner.events().length - 3);
    owner.send({ type: 'cancel', runId });
    await resumer.next((m) => m.type === 'agent_completed');
    await owner.next((m) => m.type === 'agent_completed');

    // What the resumer got is exactly the owner's stream after seq 3...
    expect(resumer.events()).toEqual(owner.events().filter((event) => event.seq > 3));
    // ...so a client that held seq 1..3 and resumed has a complete, valid stream.
    const stitched: RunEvent[] = [...owner.events().slice(0, 3), ...resumer.events()];
    const violations = checkRunLifecycle(stitched);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('replays a whole finished thread from afterSeq 0', async () => {
    const owner = await connect();
    const { threadId, events } = await owner.runToCompletion('/scenario basic');
    const reader = await connect();
    reader.send({ type: 'resume', threadId, afterSeq: 0 });
    await reader.until(() => reader.events().length === events.length);
    expect(reader.events()).toEqual(events);
  });

  it('refuses a second resume of the same thread on one socket', async () => {
    const client = await connect();
    const { threadId, events } = await client.runToCompletion('/scenario basic');
    client.send({ type: 'resume', threadId, afterSeq: 0, clientMessageId: 'again' });
    await expect(client.next((m) => m.type === 'error')).resolves.toMatchObject({
      code: 'thread_busy',
      clientMessageId: 'again',
    });
    expect(client.events()).toEqual(events);
  });

  it('answers a resume of an unknown thread with not_found, echoing clientMessageId', async () => {
    const client = await connect();
    client.send({ type: 'resume', threadId: 'nope', afterSeq: 0, clientMessageId: 'resume-1' });
    await expect(client.next((m) => m.type === 'error')).resolves.toMatchObject({
      code: 'not_found',
      clientMessageId: 'resume-1',
    });
  });
});

describe('GET /api/threads/:threadId/events', () => {
  it('serves the journal after afterSeq, and refuses bad input clearly', async () => {
    const client = await connect();
    const { threadId, events } = await client.runToCompletion('/scenario basic');
    const headers = { cookie: `agent_session=${token}` };
    const response = await fetch(`${server.url}/api/threads/${threadId}/events?afterSeq=2`, { headers });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ threadId, events: events.filter((event) => event.seq > 2) });

    // Paged: each full page names where the next starts; the pages join to the whole thread.
    const paged: RunEvent[] = [];
    let after: number | undefined = 0;
    while (after !== undefined) {
      const page = await (
        await fetch(`${server.url}/api/threads/${threadId}/events?afterSeq=${after}&limit=3`, { headers })
      ).json();
      expect(page.events.length).toBeLessThanOrEqual(3);
      paged.push(...page.events);
      after = page.nextAfterSeq;
    }
    expect(paged).toEqual(events);
    for (const limit of ['0', '5001', 'x']) {
      const refused = await fetch(`${server.url}/api/threads/${threadId}/events?limit=${limit}`, { headers });
      expect(refused.status).toBe(400);
    }

    const bad = await fetch(`${server.url}/api/threads/${threadId}/events?afterSeq=-1`, { headers });
    expect(bad.status).toBe(400);
    await expect(bad.json()).resolves.toMatchObject({ error: { code: 'invalid_message' } });
    // Each refusal in the API's one shape, with the status its code names.
    const refusal = async (path: string, init?: RequestInit) => {
      const answer = await fetch(`${server.url}${path}`, init);
      return [answer.status, httpErrorBodySchema.parse(await answer.json()).error.code];
    };
    expect(await refusal('/api/threads/nope/events', { headers })).toEqual([404, 'not_found']);
    expect(await refusal(`/api/threads/${threadId}/events`)).toEqual([401, 'unauthorized']);
    const stranger = { cookie: `agent_session=${(await WsTestClient.signIn(server.url)).token}` };
    expect(await refusal(`/api/threads/${threadId}/events`, { headers: stranger })).toEqual([403, 'forbidden']);
  });
});
