/**
 * The llm agent when the provider misbehaves, against a real mock provider
 * process: every fault ends the run as `failed` with a message that names
 * the cause, or is retried and announced, never a run that spins. The
 * "connect timeout" is real: the mock process is frozen with SIGSTOP, so
 * connections open and nothing answers.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../app';
import { LlmMock } from '../../testing/llm-mock';
import { WsTestClient } from '../../testing/ws-test-client';
import { MOCK_API_KEY, MOCK_FIXTURES, readRun, requestsFor, runMessage, startLlmServer } from './llm-test-kit';

let mock: LlmMock;
const servers: RunningServer[] = [];

async function serverWith(...args: Parameters<typeof startLlmServer>): Promise<RunningServer> {
  const server = await startLlmServer(...args);
  servers.push(server);
  return server;
}

beforeAll(async () => {
  mock = await LlmMock.start({ fixtures: MOCK_FIXTURES });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await mock?.stop();
});

describe('llm agent, when the stream breaks', () => {
  it('fails a stream cut mid-answer, keeps the text that arrived, and does not retry it', async () => {
    const run = await runMessage(await serverWith(mock), 'llm truncated');
    expect(run.violations).toEqual([]);
    expect(run).toMatchObject({
      status: 'failed',
      error: "the model's answer was cut off mid-stream (the connection closed)",
    });
    expect(run.text).not.toBe('');
    expect('This answer starts normally, but the stream is cut off before it can finish.'.startsWith(run.text)).toBe(
      true,
    );
    expect(await requestsFor(mock, 'llm truncated')).toHaveLength(1);
  });

  it('fails a stream cut in the middle of a tool call, running no tool', async () => {
    const run = await runMessage(await serverWith(mock), 'llm tool cut');
    expect(run.violations).toEqual([]);
    expect(run).toMatchObject({
      status: 'failed',
      error: "the model's answer was cut off in the middle of a tool call (the connection closed)",
      calls: [],
    });
    expect(await requestsFor(mock, 'llm tool cut')).toHaveLength(1);
  });

  it('fails a provider that goes silent, once the idle timeout passes', async () => {
    const run = await runMessage(await serverWith(mock, { idleTimeoutMs: 300 }), 'llm silent');
    expect(run.violations).toEqual([]);
    expect(run).toMatchObject({ status: 'failed', error: 'the model provider went silent for 300 ms', text: '' });
  });
});

describe('llm agent, when the provider refuses', () => {
  it('retries a 429 after its Retry-After, says so in a thought, and answers', async () => {
    const run = await runMessage(await serverWith(mock), 'llm rate limited');
    expect(run.violations).toEqual([]);
    expect(run.status).toBe('success');
    expect(run.thoughts).toContain('The model provider is busy (HTTP 429); retrying in 1 s (attempt 2 of 3)');
    expect(run.text).toBe('Thanks for waiting: this answer came on the second attempt.');
    expect((await requestsFor(mock, 'llm rate limited')).map((request) => request.status)).toEqual([429, 200]);
  });

  it('retries a 5xx with doubling backoff, then fails naming the status', async () => {
    const run = await runMessage(await serverWith(mock), 'llm server error');
    expect(run.violations).toEqual([]);
    expect(run).toMatchObject({ status: 'failed', error: 'the model provider failed with HTTP 503 after 3 attempts' });
    expect(run.thoughts.slice(1)).toEqual([
      'The model provider failed (HTTP 503); retrying in 10 ms (attempt 2 of 3)',
      'The model provider failed (HTTP 503); retrying in 20 ms (attempt 3 of 3)',
    ]);
    expect(await requestsFor(mock, 'llm server error')).toHaveLength(3);
  });

  it("fails on another 4xx at once, quoting the provider's message without any key in it", async () => {
    const run = await runMessage(await serverWith(mock), 'llm bad request');
    expect(run.violations).toEqual([]);
    expect(run).toMatchObject({
      status: 'failed',
      error:
        'the model provider rejected the request (HTTP 400): Invalid request: key [redacted] may not use model mock-model',
    });
    expect(await requestsFor(mock, 'llm bad request')).toHaveLength(1);
  });

  it('fails a refused API key at once, naming LLM_API_KEY and never the key', async () => {
    const guarded = await LlmMock.start({ fixtures: MOCK_FIXTURES, apiKeys: ['the-right-key'] });
    try {
      const run = await runMessage(await serverWith(guarded), 'llm plain');
      expect(run.violations).toEqual([]);
      expect(run).toMatchObject({
        status: 'failed',
        error: 'the model provider refused the API key (HTTP 401); check LLM_API_KEY',
      });
      expect(JSON.stringify(run.events)).not.toContain(MOCK_API_KEY);
      // Not retried: no other key would be sent.
      expect(run.thoughts).toEqual(['Asking mock-model']);
    } finally {
      await guarded.stop();
    }
  });

  it('stops a model that keeps calling tools after maxSteps', async () => {
    const run = await runMessage(await serverWith(mock, { maxSteps: 3 }), 'llm endless tools');
    expect(run.violations).toEqual([]);
    expect(run).toMatchObject({
      status: 'failed',
      error: 'the model was still calling tools after 3 steps (LLM_MAX_STEPS), so it was stopped without an answer',
    });
    expect(run.calls.map((call) => call.status)).toEqual(['success', 'success']);
    expect(await requestsFor(mock, 'llm endless tools')).toHaveLength(3);
  });
});

describe('llm agent, when the provider cannot be reached', () => {
  it('retries a provider that accepts the connection but never answers, then fails', async () => {
    const frozen = await LlmMock.start({ fixtures: MOCK_FIXTURES });
    frozen.freeze();
    try {
      const server = await serverWith(frozen, { requestTimeoutMs: 200, maxRetries: 1 });
      const run = await runMessage(server, 'llm plain');
      expect(run.violations).toEqual([]);
      expect(run).toMatchObject({
        status: 'failed',
        error: `could not reach the model provider at ${frozen.host} after 2 attempts: no response within 200 ms`,
      });
      expect(run.thoughts).toContain(
        `Could not reach the model provider at ${frozen.host} (no response within 200 ms); retrying in 10 ms (attempt 2 of 2)`,
      );
    } finally {
      frozen.thaw();
      await frozen.stop();
    }
  });

  it('retries a refused connection, then fails naming the host', async () => {
    const port = await closedPort();
    const server = await serverWith(mock, { baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 1 });
    const run = await runMessage(server, 'llm plain');
    expect(run.violations).toEqual([]);
    expect(run).toMatchObject({
      status: 'failed',
      error: `could not reach the model provider at 127.0.0.1:${port} after 2 attempts: connection refused`,
    });
  });
});

describe('llm agent, when the run is cancelled', () => {
  it('aborts the HTTP request the moment the run is cancelled', async () => {
    const requests: { signal: AbortSignal | undefined; responded: boolean }[] = [];
    const observed: typeof globalThis.fetch = async (input, init) => {
      const request = { signal: init?.signal ?? undefined, responded: false };
      requests.push(request);
      const response = await globalThis.fetch(input, init);
      request.responded = true;
      return response;
    };
    const server = await serverWith(mock, { fetch: observed });
    const client = await WsTestClient.connectAs(server.url);
    try {
      client.send({ type: 'user_message', clientMessageId: 'c-1', text: 'llm silent' });
      const accepted = await client.next((m) => m.type === 'message_accepted');
      if (accepted.type !== 'message_accepted') throw new Error('not accepted');
      // The mock has answered with headers and one chunk, then holds the stream open.
      await vi.waitFor(() => expect(requests[0]?.responded).toBe(true));
      expect(requests[0]?.signal?.aborted).toBe(false);
      client.send({ type: 'cancel', runId: accepted.runId });
      await client.next((m) => m.type === 'agent_completed' && m.runId === accepted.runId);
      const run = readRun(accepted.runId, client.events(accepted.runId));
      expect(run.violations).toEqual([]);
      expect(run.status).toBe('cancelled');
      // Aborted by the cancel itself, not by the idle timeout (30 s) nor by the agent returning later.
      expect(requests[0]?.signal?.aborted).toBe(true);
      expect(requests).toHaveLength(1);
    } finally {
      client.close();
    }
  });
});

/** A loopback port nobody listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
