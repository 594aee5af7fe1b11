/**
 * Property-based: random and malformed frames against a live server. Every
 * frame gets its documented answer (an error code, or 1009 when oversized), the
 * server never crashes, and another user's run completes untouched.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRunLifecycle, ERROR_CODES, MAX_CLIENT_FRAME_BYTES } from '../../protocol';
import type { RunningServer } from '../app';
import { startTestServer } from '../testing/test-server';
import { WsTestClient } from '../testing/ws-test-client';

let server: RunningServer;
let url: string;

beforeAll(async () => {
  // Limits high enough that the property is about parsing, not throttling.
  server = await startTestServer({ scenarios: false, messageRate: 1e6, messageBurst: 1e6 });
  url = `${server.url.replace('http', 'ws')}/ws?token=${(await WsTestClient.signIn(server.url)).token}`;
});
afterAll(() => server.close());

const frame = fc.oneof(
  fc.string({ maxLength: 200 }).map((text) => ({ text })),
  fc.json({ maxDepth: 3 }).map((text) => ({ text })),
  fc
    .record({
      type: fc.constantFrom('user_message', 'cancel', 'resume', 'hack', ''),
      clientMessageId: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(undefined)),
      threadId: fc.oneof(fc.string({ maxLength: 50 }), fc.constant(null)),
      runId: fc.oneof(fc.string({ maxLength: 50 }), fc.boolean()),
      text: fc.oneof(fc.string({ maxLength: 50 }), fc.integer(), fc.constant('x'.repeat(20_000))),
      extra: fc.anything({ maxDepth: 2 }),
    })
    .map((message) => ({ text: JSON.stringify(message) })),
  fc.uint8Array({ maxLength: 100 }).map((bytes) => ({ binary: Buffer.from(bytes) })),
);

describe('hostile input', () => {
  it('answers every random frame with a documented error or an accepted run, and keeps serving', async () => {
    const bystander = await WsTestClient.connectAs(server.url);
    const bystanderRun = bystander.runToCompletion('/scenario basic');
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 20 }), async (frames) => {
        const client = await WsTestClient.connect(url);
        for (const f of frames) {
          if ('binary' in f) client.sendRaw(f.binary, true);
          else client.sendRaw(f.text);
        }
        // Each frame gets exactly one answer: an error with a documented code, or a message_accepted.
        const answers = () => client.messages.filter((m) => m.type === 'error' || m.type === 'message_accepted');
        await client.until(() => answers().length >= frames.length);
        expect(answers()).toHaveLength(frames.length);
        for (const message of answers()) {
          if (message.type === 'error') expect(ERROR_CODES).toContain(message.code);
        }
        client.close();
      }),
      { numRuns: 60 },
    );
    const { events } = await bystanderRun;
    expect(checkRunLifecycle(events)).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('closes an oversized frame with 1009 whatever its content', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 10 }), async (unit) => {
        const client = await WsTestClient.connect(url);
        client.sendRaw(unit.repeat(Math.ceil((MAX_CLIENT_FRAME_BYTES + 1) / unit.length)));
        await client.until(() => client.closed !== undefined).catch(() => {});
        expect(client.closed?.code).toBe(1009);
      }),
      { numRuns: 10 },
    );
  });
});
