/**
 * The quick validation's crash check: a real crash (SIGKILL) of a server
 * process mid-tool, then a restart on the same journal. A client that resumes
 * must read the run as interrupted and its tool as an error: never a run left
 * open forever. It needs no page, so it runs beside the browser checks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scaled } from '../../e2e/support/timeouts';
import { checkRunLifecycle, formatViolations } from '../../protocol';
import { PROJECT_ROOT } from '../../server/config';
import { ServerProcess } from '../../server/testing/server-process';
import { WsTestClient } from '../../server/testing/ws-test-client';
import { type Check, within } from './check';

/** Longest wait on a server before the check fails (a hang guard, scaled like the e2e suite's). */
const WAIT_MS = scaled(30_000);

/** Environment of the validation's servers: scenarios on, a short pace, many guests from one address. */
export const SERVER_ENV = { AGENT_SCENARIOS: '1', AGENT_PACE_MS: '20', SESSIONS_PER_MINUTE: '100000' };

/** The server as the launcher bundled it (dist-validate/server.mjs): it starts in half the time tsx takes. */
export const SERVER_ENTRY = [path.join(PROJECT_ROOT, 'dist-validate', 'server.mjs')];

export function crashCheck(): Check {
  return {
    name: 'a crash mid-run and a restart: the run ends as interrupted, its tool as an error',
    async run() {
      const dir = mkdtempSync(path.join(tmpdir(), 'validate-crash-'));
      const env = { ...SERVER_ENV, JOURNAL_PATH: path.join(dir, 'journal.db') };
      const start = () => within(ServerProcess.start({ env, entry: SERVER_ENTRY }), WAIT_MS, 'a server to start');
      let server = await start();
      try {
        const { token } = await WsTestClient.signIn(server.url);
        const before = await WsTestClient.connectAs(server.url, token);
        before.send({ type: 'user_message', clientMessageId: 'c', text: '/scenario slow-tool 60000' });
        const toolRuns = before.until(() => before.events().some((event) => event.type === 'tool_executing'));
        await within(toolRuns, WAIT_MS, 'the tool to start');
        server.kill('SIGKILL');
        await server.exited;
        server = await start();
        const after = await WsTestClient.connectAs(server.url, token);
        const seen = before.events();
        after.send({ type: 'resume', threadId: seen[0]?.threadId ?? '', afterSeq: seen.at(-1)?.seq ?? 0 });
        const ends = after.until(() => after.events().some((event) => event.type === 'agent_completed'));
        await within(ends, WAIT_MS, 'the restarted server to end the run the crash cut short');
        after.close();
        const events = [...seen, ...after.events()];
        const violations = checkRunLifecycle(events);
        assert.deepEqual(violations, [], `the run across the crash:\n${formatViolations(violations)}`);
        const tool = events.find((event) => event.type === 'tool_completed');
        assert.equal(tool?.type === 'tool_completed' && tool.payload.status, 'error', 'the open tool ends as an error');
        const last = events.at(-1);
        assert.equal(last?.type === 'agent_completed' && last.payload.status, 'interrupted', 'the run is interrupted');
      } finally {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
