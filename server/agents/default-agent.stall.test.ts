/**
 * The default agent on a real server: while one guest sends the worst messages
 * it can (16,000 characters shaped to make text scanners backtrack), another
 * guest's run on the same server still completes, and so do the worst ones.
 */
import { afterEach, expect, it } from 'vitest';
import { MAX_USER_TEXT_LENGTH } from '../../protocol';
import type { RunningServer } from '../app';
import { startTestServer } from '../testing/test-server';
import { WsTestClient } from '../testing/ws-test-client';

const MAX = MAX_USER_TEXT_LENGTH;

const servers: RunningServer[] = [];
const clients: WsTestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await server.close();
});

async function connect(url: string): Promise<WsTestClient> {
  const client = await WsTestClient.connectAs(url);
  clients.push(client);
  return client;
}

function answerOf(run: Awaited<ReturnType<WsTestClient['runToCompletion']>>): unknown {
  const completed = run.events.at(-1);
  return completed?.type === 'agent_completed' ? completed.payload : undefined;
}

it('completes a bystander run while another client sends worst-case messages of the maximum length', async () => {
  const server = await startTestServer();
  servers.push(server);
  const guest = await connect(server.url);
  const bystander = await connect(server.url);

  // Sent first, so the server reads them before the bystander's message.
  const worst = [
    guest.runToCompletion(`${'('.repeat(MAX - 3)}1+1`),
    guest.runToCompletion(`what${' '.repeat(MAX - 8)}time`),
    guest.runToCompletion(`sqrt${' '.repeat(MAX - 8)}(16)`),
  ] as const;
  const answer = await bystander.runToCompletion('what is 6 * 7?');

  expect(answerOf(answer)).toMatchObject({ status: 'success', text: '6 * 7 = 42' });
  const [parentheses, clock, spaces] = await Promise.all(worst);
  expect(answerOf(parentheses)).toMatchObject({ status: 'success', text: '1+1 = 2' });
  expect(answerOf(clock)).toMatchObject({ status: 'success', text: expect.stringMatching(/^It is /) });
  // Too long to be an expression, so the docs are searched for the first 500 characters.
  expect(answerOf(spaces)).toMatchObject({ status: 'success' });
});
