/**
 * The server as a real child process (`node --import tsx server/main.ts`), for
 * tests of what only a process has: signals, exit codes, restarts over the same
 * data folder. The OS picks the port (PORT=0); the helper learns it from the
 * server's "server listening" log line, then waits for `/healthz`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { z } from 'zod';
import { PROJECT_ROOT } from '../config';

/** Output kept for failure messages: the tail, so a chatty server cannot grow it without bound. */
const OUTPUT_TAIL_CHARS = 64 * 1024;
/** Pause between two `/healthz` probes while the server starts. */
const HEALTH_POLL_MS = 50;

export interface ServerProcessOptions {
  /**
   * Environment on top of this process's; `undefined` removes a variable (e.g.
   * SESSION_SECRET). @default PORT=0, HOST=127.0.0.1, LOG_LEVEL=info, JOURNAL_PATH=:memory:
   * (a test never writes to the project's data/ folder unless it asks to)
   */
  env?: Record<string, string | undefined>;
  /** Node's arguments: the server's entry and what it needs. @default `--import tsx server/main.ts` */
  entry?: readonly string[];
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const listeningLine = z.object({ msg: z.literal('server listening'), url: z.url() });

export class ServerProcess {
  /** Every child not yet exited, so a caller interrupted by a signal can kill them all (`killAll`). */
  static readonly #alive = new Set<ChildProcess>();
  readonly #child: ChildProcess;
  #output = '';
  #url: string | undefined;
  readonly exited: Promise<ServerExit>;

  private constructor(child: ChildProcess) {
    this.#child = child;
    ServerProcess.#alive.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        ServerProcess.#alive.delete(child);
        resolve({ code, signal });
      }),
    );
    let pending = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#record(chunk);
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.#url ??= listeningUrl(line);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.#record(chunk));
  }

  /** Starts a server and resolves once `/healthz` answers 200; rejects, with its output, if it exits first. */
  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      JOURNAL_PATH: ':memory:',
    };
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    if (['fatal', 'error', 'warn', 'silent'].includes(env.LOG_LEVEL ?? '')) {
      throw new Error(`LOG_LEVEL ${env.LOG_LEVEL} hides the "server listening" line this helper learns the port from`);
    }
    const child = spawn(process.execPath, [...(options.entry ?? ['--import', 'tsx', 'server/main.ts'])], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child);
    try {
      await server.#waitUntilHealthy();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Kills every server process still running, at once (SIGKILL): for a caller that is itself being stopped. */
  static killAll(): void {
    for (const child of ServerProcess.#alive) child.kill('SIGKILL');
  }

  get url(): string {
    if (!this.#url) throw new Error('the server has not said where it listens yet');
    return this.#url;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  get pid(): number {
    if (this.#child.pid === undefined) throw new Error('the server process did not start');
    return this.#child.pid;
  }

  /** The exit code, once the process has exited; null before, or when a signal ended it. */
  get exitCode(): number | null {
    return this.#child.exitCode;
  }

  /** What the server printed (stdout and stderr, the last 64 KiB). */
  get output(): string {
    return this.#output;
  }

  /** Sends a signal and returns at once; await `exited` to see how it ended. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.#running()) this.#child.kill(signal);
  }

  /** Shuts the server down with SIGTERM (SIGKILL if it does not exit on its own) and waits for the exit. */
  async stop(): Promise<ServerExit> {
    if (this.#running()) {
      this.#child.kill('SIGTERM');
      const killer = setTimeout(() => this.#child.kill('SIGKILL'), 30_000); // a hang guard, not a budget
      try {
        return await this.exited;
      } finally {
        clearTimeout(killer);
      }
    }
    return this.exited;
  }

  #running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  #record(chunk: string): void {
    this.#output = (this.#output + chunk).slice(-OUTPUT_TAIL_CHARS);
  }

  async #waitUntilHealthy(): Promise<void> {
    let exit: ServerExit | undefined;
    void this.exited.then((result) => {
      exit = result;
    });
    for (;;) {
      if (exit) {
        throw new Error(
          `the server exited (code ${exit.code}, signal ${exit.signal}) before it was healthy:\n${this.#output}`,
        );
      }
      if (this.#url) {
        const status = await fetch(`${this.#url}/healthz`).then(
          (response) => response.status,
          () => 0,
        );
        if (status === 200) return;
      }
      await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
    }
  }
}

function listeningUrl(line: string): string | undefined {
  try {
    const parsed = listeningLine.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data.url : undefined;
  } catch {
    return undefined; // not a JSON log line
  }
}
