/**
 * A Redis server of a test's own: `redis-server` on a free loopback port,
 * keeping nothing on disk, stopped with the test. When the binary is missing,
 * `REDIS_TEST_URL` (or the machine's 127.0.0.1:6379) is used if it answers,
 * as it is. `redisUnavailable()` says why neither works,
 * so a suite can say so instead of failing on a machine without Redis.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

export interface TestRedis {
  url: string;
  /** Kills the server (SIGKILL), then starts it again on the same port and data folder; with `aof`, its data survives. */
  restart(): Promise<void>;
  /** Kills the server (SIGKILL); `start` brings it back. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function answers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

/** Why the Redis tests cannot run here, or undefined when they can. */
export async function redisUnavailable(): Promise<string | undefined> {
  if (hasRedisServer()) return undefined;
  const url = new URL(process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379');
  if (await answers(Number(url.port || 6379), url.hostname)) return undefined;
  return `no redis-server binary (apt-get install redis-server) and nothing answers at ${url.href} (REDIS_TEST_URL)`;
}

/**
 * Starts a Redis of the test's own, or falls back to REDIS_TEST_URL /
 * 127.0.0.1:6379 (which cannot be killed). With `aof`, it writes an
 * append-only file (fsync always) in a folder of its own, as a deployment
 * that must lose nothing does.
 */
export async function startTestRedis(options: { aof?: boolean } = {}): Promise<TestRedis> {
  if (!hasRedisServer()) {
    const url = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
    const refuse = async () => {
      throw new Error("this Redis is not the test's own: it cannot be killed");
    };
    return { url, restart: refuse, kill: refuse, start: async () => {}, stop: async () => {} };
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'test-redis-'));
  const persistence = options.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...persistence],
      { stdio: 'ignore' },
    );
    child = started;
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    while (!(await answers(port))) {
      if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode} on port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const kill = async () => {
    child?.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    kill,
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
