/**
 * Graceful shutdown of a real process: on SIGTERM, a client in the middle of a
 * run gets the run's last events (the tool's completion, then the run's) before
 * the 1001 close frame, and the process exits cleanly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES, checkRunLifecycle, formatViolations, type RunEvent } from '../protocol';
import { ServerProcess } from './testing/server-process';
import { startTestServer } from './testing/test-server';
import { WsTestClient } from './testing/ws-test-client';

let server: ServerProcess | undefined;

/** Starts a slow run and resolves once its tool is running; `closedWith` holds the events received before the close frame. */
async function startSlowRun(client: WsTestClient): Promise<{ closedWith: () => RunEvent[] | undefined }> {
  let receivedBeforeClose: RunEvent[] | undefined;
  client.socket.once('close', () => {
    receivedBeforeClose = client.events();
  });
  client.send({ type: 'user_message', clientMessageId: 'c-1', text: '/scenario slow-tool 20000' });
  await client.until(() => client.events().some((event) => event.type === 'tool_executing'));
  return { closedWith: () => receivedBeforeClose };
}

/** The run's last events arrived before the close frame, and the close said "going away". */
function expectCompletedBeforeClose(client: WsTestClient, events: RunEvent[] = []): void {
  expect(client.closed?.code).toBe(CLOSE_CODES.goingAway);
  expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['tool_completed', 'agent_completed']));
  expect(events.find((event) => event.type === 'tool_completed')?.payload).toMatchObject({ status: 'error' });
  expect(events.at(-1)).toMatchObject({ type: 'agent_completed', payload: { status: 'cancelled' } });
  const violations = checkRunLifecycle(events);
  expect(violations, formatViolations(violations)).toEqual([]);
}

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('SIGTERM', () => {
  it("delivers a running run's tool_completed and agent_completed before closing with 1001", async () => {
    server = await ServerProcess.start({ env: { AGENT_SCENARIOS: '1', AGENT_PACE_MS: '0' } });
    const client = await WsTestClient.connectAs(server.url);
    const run = await startSlowRun(client);
    server.kill('SIGTERM');
    await client.until(() => client.closed !== undefined);
    expectCompletedBeforeClose(client, run.closedWith());
    await expect(server.exited).resolves.toEqual({ code: 0, signal: null });
  });
});

describe('close()', () => {
  it('lets a socket take the frames waiting in its outbound queue before closing it', async () => {
    // A 1-byte high-water mark queues every frame sent while the socket still holds bytes (it is corked for a tick).
    const inProcess = await startTestServer({ highWaterBytes: 1 });
    const client = await WsTestClient.connectAs(inProcess.url);
    const run = await startSlowRun(client);
    await inProcess.close();
    await client.until(() => client.closed !== undefined);
    expectCompletedBeforeClose(client, run.closedWith());
  });
});
