/**
 * Users are isolated: no frame of one user's threads ever reaches another
 * user's socket, and another user's thread or run answers `forbidden`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRunLifecycle, formatViolations } from '../../protocol';
import type { RunningServer } from '../app';
import { startTestServer } from '../testing/test-server';
import { WsTestClient } from '../testing/ws-test-client';

let server: RunningServer;
const clients: WsTestClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ maxConcurrentRuns: 10, messageBurst: 100 });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

async function user(): Promise<WsTestClient> {
  const client = await WsTestClient.connectAs(server.url);
  clients.push(client);
  return client;
}

describe('isolation', () => {
  it('answers forbidden to another user resuming, continuing or cancelling a thread', async () => {
    const [alice, mallory] = [await user(), await user()];
    alice.send({ type: 'user_message', clientMessageId: 'a', text: '/scenario slow-stream 60000' });
    const accepted = await alice.next((m) => m.type === 'message_accepted');
    if (accepted.type !== 'message_accepted') throw new Error('unreachable');
    const { threadId, runId } = accepted;

    mallory.send({ type: 'resume', threadId, afterSeq: 0, clientMessageId: 'r' });
    mallory.send({ type: 'user_message', clientMessageId: 'm', threadId, text: 'hi' });
    mallory.send({ type: 'cancel', runId });
    await mallory.until(() => mallory.messages.length === 3);
    expect(mallory.messages.map((m) => m.type === 'error' && m.code)).toEqual(['forbidden', 'forbidden', 'forbidden']);
    expect(mallory.events()).toEqual([]);

    alice.send({ type: 'cancel', runId });
    await alice.next((m) => m.type === 'agent_completed');
  });

  it('delivers zero cross-user frames with 50 users × 10 concurrent runs', async () => {
    const users = await Promise.all(Array.from({ length: 50 }, () => user()));
    await Promise.all(
      users.map(async (client, u) => {
        for (let r = 0; r < 10; r += 1) {
          client.send({ type: 'user_message', clientMessageId: `u${u}-r${r}`, text: '/scenario basic' });
        }
        await client.until(() => client.events().filter((event) => event.type === 'agent_completed').length === 10);
      }),
    );
    for (const client of users) {
      const own = new Set(client.messages.flatMap((m) => (m.type === 'message_accepted' ? [m.threadId] : [])));
      expect(own.size).toBe(10);
      const foreign = client.events().filter((event) => !own.has(event.threadId));
      expect(foreign).toEqual([]);
      const violations = checkRunLifecycle(client.events());
      expect(violations, formatViolations(violations)).toEqual([]);
    }
  });
});
