/**
 * Golden traces: every scenario's normalized frame stream (protocol/trace.ts
 * normalizeTrace) must match its checked-in file in golden/. A change to what
 * a scenario emits shows up here as a diff; accept it with
 * `npm run golden:update` and review the diff in git.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { checkRunLifecycle, normalizeTrace, serializeTrace } from '../../protocol';
import { loadScenarios } from '../agents/scenario-file';
import type { RunningServer } from '../app';
import { DEFAULT_SCENARIOS_DIR } from '../config';
import { startTestServer } from '../testing/test-server';
import { WsTestClient } from '../testing/ws-test-client';

/** Arguments for scenarios whose defaults would make a needlessly large file or a needlessly slow test. */
const GOLDEN_ARGS: Readonly<Record<string, string>> = { burst: '20', 'bench-stream': '5', 'slow-stream': '0' };

const scenarios = [...(await loadScenarios(DEFAULT_SCENARIOS_DIR)).keys()].sort();
let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('golden traces', () => {
  // Concurrent, so the suite takes as long as the slowest scenario; snapshots need the test's own expect.
  it.concurrent.for(scenarios)('emits the golden frame stream for scenario %s', async (name, { expect }) => {
    const client = await WsTestClient.connectAs(server.url);
    try {
      const message = `/scenario ${name} ${GOLDEN_ARGS[name] ?? ''}`.trim();
      const { events } = await client.runToCompletion(message);
      expect(checkRunLifecycle(events)).toEqual([]);
      await expect(serializeTrace(normalizeTrace(events))).toMatchFileSnapshot(`golden/${name}.jsonl`);
    } finally {
      client.close();
    }
  });
});
