/**
 * Starts the app as a separate process on a free port, for tests that must
 * kill, freeze or restart a server (the suite's shared webServer cannot be).
 * Tests get it through the `appServer` fixture, which stops it afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from '@playwright/test';
import { freePort } from './free-port';
import { HARNESS_STATIC_DIR } from './harness-build';

export interface ServerProcessOptions {
  /** Extra environment, on top of the defaults below; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
}

export class ServerProcess {
  #child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly env: NodeJS.ProcessEnv,
    /** The data folder: the journal, and the session secret the server keeps there. */
    readonly dataDir: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * A server as `npm start` runs it (scenarios on, a file journal in its own
   * data folder, no SESSION_SECRET), serving the page the suite built.
   */
  static async create(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'e2e-server-'));
    const port = await freePort();
    const { SESSION_SECRET: _none, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      PORT: String(port),
      HOST: '127.0.0.1',
      AGENT_SCENARIOS: '1',
      LOG_LEVEL: 'warn',
      JOURNAL_PATH: path.join(dataDir, 'journal.db'),
      STATIC_DIR: HARNESS_STATIC_DIR,
      ...options.env,
    };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    return new ServerProcess(port, env, dataDir);
  }

  async start(): Promise<void> {
    this.#child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: this.env, stdio: 'inherit' });
    const health = () =>
      fetch(`${this.url}/healthz`).then(
        (response) => response.status,
        () => 0,
      );
    await expect.poll(health, { message: `server on port ${this.port} to answer /healthz`, timeout: 30_000 }).toBe(200);
  }

  /** Kills the process without a clean shutdown: its open runs stay open in the journal. */
  crash(): Promise<void> {
    return this.#kill('SIGKILL');
  }

  /** Freezes the process (SIGSTOP): its sockets stay open, and nothing answers, as in a hung backend. */
  freeze(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void {
    this.#child?.kill('SIGCONT');
  }

  /** A clean shutdown (SIGTERM); a frozen process is thawed first so it can act on it. */
  stop(): Promise<void> {
    this.thaw();
    return this.#kill('SIGTERM');
  }

  async #kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}
