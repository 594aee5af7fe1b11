/**
 * Starts the app as a separate process on a free port, for tests that must
 * kill and restart a server (the suite's shared webServer cannot be).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from '@playwright/test';
import { freePort } from './free-port';

export class ServerProcess {
  #child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A server with its own journal file and a fixed session secret, so both survive a restart. */
  static async create(): Promise<ServerProcess> {
    const journal = path.join(mkdtempSync(path.join(tmpdir(), 'e2e-journal-')), 'journal.db');
    const port = await freePort();
    return new ServerProcess(port, {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      AGENT_SCENARIOS: '1',
      LOG_LEVEL: 'warn',
      JOURNAL_PATH: journal,
      SESSION_SECRET: 'e2e-restart-test-secret',
    });
  }

  async start(): Promise<void> {
    this.#child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: this.env, stdio: 'inherit' });
    await expect
      .poll(
        () =>
          fetch(`${this.url}/healthz`).then(
            (response) => response.status,
            () => 0,
          ),
        {
          message: `server on port ${this.port} to answer /healthz`,
          timeout: 30_000,
        },
      )
      .toBe(200);
  }

  /** Kills the process without a clean shutdown: its open runs stay open in the journal. */
  crash(): Promise<void> {
    return this.#kill('SIGKILL');
  }

  stop(): Promise<void> {
    return this.#kill('SIGTERM');
  }

  async #kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}
