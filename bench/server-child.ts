/**
 * The server alone in a child process, so that its heap and RSS can be
 * measured without the clients' memory: `startServerChild(options)` forks this
 * file with --expose-gc and talks to it over IPC (ready, memory after GC, RSS
 * samples, close). Run as the child, it starts the server with the options it
 * was given.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '../server/config';
import { startTestServer } from '../server/testing/test-server';

export interface MemorySample {
  heapUsed: number;
  heapTotal: number;
  external: number;
  rss: number;
}

type Request = { id: number; type: 'gc-measure' | 'sample' | 'close' };
type Reply = { type: 'ready'; url: string } | { type: 'reply'; id: number; memory: MemorySample };

export interface ServerChild {
  url: string;
  /** Memory after two full garbage collections. */
  measureAfterGc(): Promise<MemorySample>;
  /** Memory as it is, without collecting (for peak RSS). */
  sample(): Promise<MemorySample>;
  close(): Promise<void>;
}

/** Message limits (per socket and per user) lifted, for benches that send more than a person would. */
export const NO_MESSAGE_LIMITS = {
  messageRate: 1e6,
  messageBurst: 1e6,
  userMessageRate: 1e6,
  userMessageBurst: 1e6,
} as const;

const CHILD_FLAG = '--bench-server-child';

export async function startServerChild(options: ServerOptions): Promise<ServerChild> {
  const extraArgs = process.env.BENCH_CHILD_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, JSON.stringify(options)], {
    execArgv: ['--expose-gc', '--import', 'tsx', ...extraArgs],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server child exited early (${code})`)));
    child.once('message', (message: Reply) => {
      if (message.type === 'ready') resolve(message.url);
    });
  });
  child.removeAllListeners('exit');
  let nextId = 1;
  const waiting = new Map<number, (memory: MemorySample) => void>();
  child.on('message', (reply: Reply) => {
    if (reply.type !== 'reply') return;
    waiting.get(reply.id)?.(reply.memory);
    waiting.delete(reply.id);
  });
  const ask = (type: Request['type']) =>
    new Promise<MemorySample>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ id, type } satisfies Request);
    });
  return {
    url,
    measureAfterGc: () => ask('gc-measure'),
    sample: () => ask('sample'),
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ id: 0, type: 'close' } satisfies Request);
      await exited;
    },
  };
}

function memory(): MemorySample {
  const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
  return { heapUsed, heapTotal, external, rss };
}

async function collect(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the server child with --expose-gc');
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function runChild(options: ServerOptions): Promise<void> {
  const server = await startTestServer(options);
  const send = (reply: Reply) => process.send?.(reply);
  process.on('message', async (message: Request) => {
    if (message.type === 'close') {
      await server.close();
      process.exit(0);
    }
    if (message.type === 'gc-measure') await collect();
    send({ type: 'reply', id: message.id, memory: memory() });
  });
  send({ type: 'ready', url: server.url });
}

if (process.argv[2] === CHILD_FLAG) await runChild(JSON.parse(process.argv[3] ?? '{}') as ServerOptions);
