/**
 * A Redis server of a test's own: `redis-server` on a free loopback port,
 * keeping nothing on disk, stopped with the test. When the binary is missing,
 * `REDIS_TEST_URL` (or the machine's 127.0.0.1:6379) is used if it answers,
 * as it is. `redisUnavailable()` says why neither works,
 * so a suite can say so instead of failing on a machine without Redis.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from '../../e2e/support/free-port';

export interface TestRedis {
  url: string;
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

/** Starts a Redis of the test's own, or falls back to REDIS_TEST_URL / 127.0.0.1:6379. */
export async function startTestRedis(): Promise<TestRedis> {
  if (!hasRedisServer()) {
    return { url: process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379', stop: async () => {} };
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  while (!(await answers(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
