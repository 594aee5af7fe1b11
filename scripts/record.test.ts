/**
 * `npm run record` on an LLM run: with a provider in the environment (here a
 * real mock server process), the recording is an llm agent's run, and the
 * replay agent plays it back event for event.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRunLifecycle, normalizeTrace, parseTrace } from '../protocol';
import { LlmMock } from '../server/testing/llm-mock';
import { startTestServer } from '../server/testing/test-server';
import { WsTestClient } from '../server/testing/ws-test-client';
import { runScript } from './script-process';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = path.join(ROOT, 'server/agents/llm/mock-fixtures.json');

let mock: LlmMock;
let dir: string;

beforeAll(async () => {
  mock = await LlmMock.start({ fixtures: FIXTURES });
  dir = await mkdtemp(path.join(tmpdir(), 'record-llm-'));
});
afterAll(async () => {
  await mock.stop();
  await rm(dir, { recursive: true, force: true });
});

function withoutBaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { BASE_URL: _ignored, ...rest } = env;
  return rest;
}

function record(message: string, out: string) {
  // Without BASE_URL (vitest sets one for the page), so record starts a server of its own.
  const env = {
    ...withoutBaseUrl(process.env),
    LLM_BASE_URL: mock.url,
    LLM_API_KEY: 'mock-key',
    LLM_MODEL: 'mock-model',
  };
  return runScript('scripts/record.ts', [message, '--out', out], env);
}

describe('npm run record', () => {
  it('records an llm run against the provider in the environment, and replays it event for event', async () => {
    const out = path.join(dir, 'llm-one-tool.jsonl');
    const { code, output } = await record('llm one tool', out);
    expect(code, output).toBe(0);
    const recorded = parseTrace(await readFile(out, 'utf8'), 'llm-one-tool.jsonl');
    expect(recorded[0]?.payload).toMatchObject({ agentName: 'llm' });
    expect(recorded.map((event) => event.type)).toContain('tool_completed');
    expect(checkRunLifecycle(recorded)).toEqual([]);

    const server = await startTestServer({ replayDir: dir });
    const client = await WsTestClient.connectAs(server.url);
    try {
      const { events } = await client.runToCompletion('/replay llm-one-tool scale=0');
      expect(checkRunLifecycle(events)).toEqual([]);
      // The same stream but for who played it: agent_started names the replay agent.
      expect(normalizeTrace(events, { dropProgress: false }).slice(1)).toEqual(
        normalizeTrace(recorded, { dropProgress: false }).slice(1),
      );
    } finally {
      client.close();
      await server.close();
    }
  });
});
