/**
 * A real OpenAI-compatible mock server (aimock's CLI) as a child process on
 * loopback, scripted by a fixtures file, for tests of the llm agent over real
 * HTTP: real streams, real cuts, real timeouts. The OS picks the port (the
 * helper reads it from the mock's "listening" line, then waits for
 * `/health`). `freeze()` stops the process (SIGSTOP) so connections open but
 * nothing answers, as with a hung provider. Works under vitest and Playwright
 * alike (it imports neither).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';

/** Output kept for failure messages: the tail, so a chatty mock cannot grow it without bound. */
const OUTPUT_TAIL_CHARS = 64 * 1024;
/** Pause between two `/health` probes while the mock starts. */
const HEALTH_POLL_MS = 25;

export interface LlmMockOptions {
  /** The fixtures file (`{"fixtures": [...]}`), e.g. server/agents/llm/mock-fixtures.json. Required. */
  fixtures: string;
  /**
   * API keys the mock accepts (`AIMOCK_API_KEYS`); any other key gets a 401. Control calls
   * (`reset`, `journal`) use the first. @default none: every key is accepted
   */
  apiKeys?: readonly string[];
}

/** One request the mock received, as far as tests read it. */
export interface LlmMockRequest {
  method: string;
  path: string;
  body: unknown;
  status: number;
  /** Set when the mock cut the response on purpose (`truncateAfterChunks`, `disconnectAfterMs`). */
  interrupted: boolean;
}

const listeningLine = /aimock server listening on (http:\/\/\S+)/;

const journalSchema = z.array(
  z.object({
    method: z.string(),
    path: z.string(),
    body: z.unknown(),
    response: z.object({ status: z.number(), interrupted: z.boolean().optional() }),
  }),
);

/** Every mock still running: killed when this process exits, so a crashed test run leaves no orphan. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

export class LlmMock {
  readonly #options: LlmMockOptions;
  #child: ChildProcess;
  #exited: Promise<void>;
  #output = '';
  #origin: string | undefined;

  private constructor(options: LlmMockOptions, port: number) {
    this.#options = options;
    this.#child = this.#spawn(port);
    this.#exited = exitOf(this.#child);
  }

  /** Starts the mock and resolves once it answers `/health`; rejects, with its output, if it exits first. */
  static async start(options: LlmMockOptions): Promise<LlmMock> {
    const mock = new LlmMock(options, 0);
    try {
      await mock.#ready();
    } catch (error) {
      await mock.stop();
      throw error;
    }
    return mock;
  }

  /** The mock's origin, e.g. `http://127.0.0.1:43210`. */
  get origin(): string {
    if (!this.#origin) throw new Error('the mock has not said where it listens yet');
    return this.#origin;
  }

  /** The base URL an OpenAI client takes (the origin with `/v1`). */
  get url(): string {
    return `${this.origin}/v1`;
  }

  /** `host:port`, as the llm agent names the provider in its errors. */
  get host(): string {
    return new URL(this.origin).host;
  }

  get pid(): number {
    if (this.#child.pid === undefined) throw new Error('the mock process did not start');
    return this.#child.pid;
  }

  /** What the mock printed (stdout and stderr, the last 64 KiB). */
  get output(): string {
    return this.#output;
  }

  /** Stops the process (SIGSTOP): the kernel still accepts connections, nothing answers them. */
  freeze(): void {
    if (this.#running()) this.#child.kill('SIGSTOP');
  }

  /** Lets a frozen mock run again (SIGCONT). */
  thaw(): void {
    if (this.#running()) this.#child.kill('SIGCONT');
  }

  /**
   * A fresh mock on the same port, from the same file: every request forgotten and every sequence
   * (`sequenceIndex` counts requests per mock) restarted, so a "429 first, then success" fixture behaves
   * the same in every test. A restart, not aimock's `POST /__aimock/reset`: that one reloads fixtures
   * through its validator, which refuses the fixture whose tool arguments are malformed on purpose.
   * Call it between tests, not during one.
   */
  async reset(): Promise<void> {
    const port = Number(new URL(this.origin).port);
    await this.stop();
    this.#origin = undefined;
    this.#child = this.#spawn(port);
    this.#exited = exitOf(this.#child);
    try {
      await this.#ready();
    } catch (error) {
      await this.stop();
      throw new Error(`could not restart the mock on port ${port}: ${(error as Error).message}`);
    }
  }

  /** The requests the mock has received, oldest first. */
  async requests(): Promise<LlmMockRequest[]> {
    const entries = journalSchema.parse(await (await this.#control('GET', '/__aimock/journal')).json());
    return entries.map(({ method, path: requestPath, body, response }) => ({
      method,
      path: requestPath,
      body,
      status: response.status,
      interrupted: response.interrupted ?? false,
    }));
  }

  /** Forgets the requests received so far (fixture sequences go on: see `reset`). */
  async clearRequests(): Promise<void> {
    await this.#control('POST', '/__aimock/reset/journal');
  }

  /** Kills the mock (SIGKILL: it keeps no state, and a held stream would delay a graceful close) and waits for it. */
  async stop(): Promise<void> {
    if (this.#running()) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  #running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  #record(chunk: string): void {
    this.#output = (this.#output + chunk).slice(-OUTPUT_TAIL_CHARS);
  }

  async #control(method: 'GET' | 'POST', route: string): Promise<Response> {
    const key = this.#options.apiKeys?.[0];
    const response = await fetch(`${this.origin}${route}`, {
      method,
      ...(key ? { headers: { authorization: `Bearer ${key}` } } : {}),
    });
    if (!response.ok) throw new Error(`mock ${method} ${route} answered ${response.status}: ${await response.text()}`);
    return response;
  }

  #spawn(port: number): ChildProcess {
    const cli = path.join(path.dirname(createRequire(import.meta.url).resolve('@copilotkit/aimock')), 'cli.js');
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (this.#options.apiKeys?.length) env.AIMOCK_API_KEYS = this.#options.apiKeys.join(',');
    else delete env.AIMOCK_API_KEYS;
    const fixtures = path.resolve(this.#options.fixtures);
    // `info` is the lowest level that prints the "listening" line the port is read from.
    const args = [cli, '-p', String(port), '-h', '127.0.0.1', '-f', fixtures, '--log-level', 'info'];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    installExitHook();
    let pending = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#record(chunk);
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.#origin ??= listeningLine.exec(line)?.[1];
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.#record(chunk));
    return child;
  }

  /** Resolves once the mock answers `/health`; stops it and rejects, with its output, if it exits first. */
  async #ready(): Promise<void> {
    let exited = false;
    void this.#exited.then(() => {
      exited = true;
    });
    for (;;) {
      if (exited) throw new Error(`the mock exited before it was healthy:\n${this.#output}`);
      if (this.#origin) {
        const status = await fetch(`${this.#origin}/health`).then(
          (response) => response.status,
          () => 0,
        );
        if (status === 200) return;
      }
      await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
    }
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}
