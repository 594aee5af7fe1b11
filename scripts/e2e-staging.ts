/**
 * `npm run e2e:staging`: proves staging mode end to end. It starts a second
 * instance the way a deployment runs (its own process and port, the built page,
 * a file journal, a fixed session secret, no scenarios, no faults), then runs
 * the suite against it with BASE_URL, so Playwright starts nothing itself.
 * Scenario tests skip with their reason; the mission-critical default-agent
 * run must pass. Extra arguments go to `playwright test`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../server/testing/free-port';

const STARTUP_TIMEOUT_MS = 30_000;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const child = spawn(command, args, { env, stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the staging server exited (${child.exitCode ?? child.signalCode}) before it answered`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the staging server did not answer ${url}/healthz within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

async function main(): Promise<number> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if ((await run(npm, ['run', 'build'])) !== 0) return 1;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'staging-'));
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    JOURNAL_PATH: path.join(dataDir, 'journal.db'),
    // The suite opens a new guest per test from 127.0.0.1; a deployment keeps its own cap.
    SESSIONS_PER_MINUTE: '100000',
    MAX_SOCKETS_PER_ADDRESS: '100000',
    SESSION_SECRET: 'staging-check-session-secret',
    AGENT_SCENARIOS: '0',
    AGENT_FAULTS: '0',
  };
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: serverEnv, stdio: 'inherit' });
  // Listen from the start: a server that dies during startup must not leave us waiting for an exit already past.
  const exited = new Promise((resolve) => server.once('exit', resolve));
  try {
    await waitForHealth(url, server);
    console.log(`staging check: a second instance runs at ${url} without scenarios or faults`);
    // List reporter and a separate output folder, so the main run's report and traces stay as they were.
    const args = ['playwright', 'test', '--reporter=list', '--output=test-results/staging', ...process.argv.slice(2)];
    const { E2E_PORT: _ignored, ...env } = process.env;
    return await run('npx', args, { ...env, BASE_URL: url });
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`e2e:staging: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
