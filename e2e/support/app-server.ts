/**
 * An app process of a test's own (the suite's shared webServer cannot be
 * killed, frozen or restarted): a server as `npm start` runs it, on a port and
 * data folder of its own that survive restarts. The process itself is
 * server/testing/server-process.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../server/testing/free-port';
import { ServerProcess } from '../../server/testing/server-process';
import { TEST_PAGE_DIR } from './test-page';

/** The llm agent's settings (server/config.ts). */
const LLM_ENV = [
  'LLM_BASE_URL',
  'LLM_API_KEY',
  'LLM_MODEL',
  'LLM_IDLE_TIMEOUT_MS',
  'LLM_REQUEST_TIMEOUT_MS',
  'LLM_MAX_RETRIES',
  'LLM_MAX_STEPS',
] as const;

export interface AppServerOptions {
  /** Extra environment, on top of the defaults below; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
}

export class AppServer {
  #process: ServerProcess | undefined;

  private constructor(
    readonly port: number,
    /** The data folder: the journal, and the session secret the server keeps there. */
    readonly dataDir: string,
    private readonly env: Record<string, string | undefined>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Scenarios on, a file journal in its own data folder, no SESSION_SECRET (the
   * server keeps one there, as under `npm start`), serving the harness page.
   */
  static async create(options: AppServerOptions = {}): Promise<AppServer> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'e2e-server-'));
    return new AppServer(await freePort(), dataDir, {
      PORT: '0', // replaced below: fixed, so a restart comes back where the page reconnects
      AGENT_SCENARIOS: '1',
      JOURNAL_PATH: path.join(dataDir, 'journal.db'),
      STATIC_DIR: TEST_PAGE_DIR,
      SESSION_SECRET: undefined,
      // The deterministic agent, whatever the shell sets, unless the test names a provider.
      ...Object.fromEntries(LLM_ENV.map((name) => [name, undefined])),
      ...options.env,
    });
  }

  async start(): Promise<void> {
    this.#process = await ServerProcess.start({ env: { ...this.env, PORT: String(this.port) } });
  }

  /** Runs in progress, from `/healthz`: 0 once the server has finished every run. */
  async activeRuns(): Promise<number> {
    const health = (await (await fetch(`${this.url}/healthz`)).json()) as { activeRuns?: unknown };
    return typeof health.activeRuns === 'number' ? health.activeRuns : Number.NaN;
  }

  /** Kills the process without a clean shutdown (SIGKILL): its open runs stay open in the journal. */
  async crash(): Promise<void> {
    this.#process?.kill('SIGKILL');
    await this.#process?.exited;
  }

  /** Freezes the process (SIGSTOP): its sockets stay open, and nothing answers, as in a hung backend. */
  freeze(): void {
    this.#process?.kill('SIGSTOP');
  }

  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void {
    this.#process?.kill('SIGCONT');
  }

  /** A clean shutdown (SIGTERM, thawed first so it can act on it); SIGKILL if it hangs. */
  async stop(): Promise<void> {
    this.thaw();
    await this.#process?.stop();
  }

  /** Stops the process and removes its data folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
