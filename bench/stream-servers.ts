/**
 * The throughput bench's servers, each alone in a child process as it would be
 * deployed: ours (the real server, journal on a file), bare `ws`, and
 * Socket.IO. The baselines stream the same events ours does, paced the same
 * way (`streamEvents`). The parent asks a child for its CPU time over IPC.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer } from 'ws';
import type { RunEvent } from '../protocol';
import { UNPACED_STREAM_CHUNK } from '../server/agents/scenario-agent';
import { startTestServer } from '../server/testing/test-server';

export type StreamServerKind = 'ours' | 'bare ws' | 'socket.io';

export interface StreamServer {
  kind: StreamServerKind;
  url: string;
  /** CPU time (user + system) the child has used so far, in µs. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

const CHILD_FLAG = '--bench-stream-server';

type Request = { id: number; type: 'cpu' | 'close' };
type Reply = { type: 'ready'; url: string } | { type: 'cpu'; id: number; micros: number };

export async function startStreamServer(kind: StreamServerKind): Promise<StreamServer> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, kind], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} server exited early (${code})`)));
    child.on('message', (reply: Reply) => {
      if (reply.type === 'ready') resolve(reply.url);
    });
  });
  child.removeAllListeners('exit');
  let nextId = 1;
  const waiting = new Map<number, { resolve(micros: number): void; reject(error: Error): void }>();
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      // A child that died answers nothing more: fail its waiters instead of hanging the bench.
      for (const waiter of waiting.values()) waiter.reject(new Error(`${kind} server exited (${code})`));
      waiting.clear();
      resolve();
    }),
  );
  child.on('message', (reply: Reply) => {
    if (reply.type !== 'cpu') return;
    waiting.get(reply.id)?.resolve(reply.micros);
    waiting.delete(reply.id);
  });
  return {
    kind,
    url,
    cpuMicros: () =>
      new Promise((resolve, reject) => {
        if (!child.connected) return reject(new Error(`${kind} server is gone`));
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        child.send({ id, type: 'cpu' } satisfies Request);
      }),
    close: async () => {
      if (child.connected) child.send({ id: 0, type: 'close' } satisfies Request);
      await exited;
    },
  };
}

/** The events a baseline sends: the envelope and delta text of a bench-stream run. */
function* baselineEvents(count: number): Generator<RunEvent> {
  const base = { threadId: 'baseline-thread', runId: 'baseline-run' };
  yield { type: 'agent_started', ...base, seq: 1, ts: Date.now(), payload: { agentName: 'baseline', input: 'go' } };
  for (let i = 1; i <= count; i += 1) {
    const delta = `${i}@${performance.timeOrigin + performance.now()} `;
    yield { type: 'partial_result', ...base, seq: i + 1, ts: Date.now(), payload: { delta } };
  }
  const payload = { status: 'success', durationMs: 0 } as const;
  yield { type: 'agent_completed', ...base, seq: count + 2, ts: Date.now(), payload };
}

/**
 * Sends a run's events the way the scenario agent streams (scenario-agent.ts):
 * unpaced in chunks of UNPACED_STREAM_CHUNK per macrotask, or at `perSecond`,
 * catching up when a timer fires late.
 */
async function streamEvents(count: number, perSecond: number, send: (event: RunEvent) => void): Promise<void> {
  const startedAt = performance.now();
  let sent = 0;
  for (const event of baselineEvents(count)) {
    send(event);
    sent += 1;
    if (event.type !== 'partial_result') continue;
    if (perSecond === 0) {
      if (sent % UNPACED_STREAM_CHUNK === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    } else {
      const nextAt = startedAt + (sent * 1000) / perSecond;
      const wait = nextAt - performance.now();
      if (wait >= 1) await new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(wait)));
    }
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A stream request from a baseline client: `<count> <perSecond>`. */
function parseRequest(text: string): [number, number] {
  const [count = 0, perSecond = 0] = text.split(' ').map(Number);
  return [count, perSecond];
}

async function serve(kind: StreamServerKind): Promise<{ url: string; close(): Promise<void> }> {
  if (kind === 'ours') {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-throughput-'));
    const server = await startTestServer({ journalPath: path.join(dir, 'journal.db'), maxConcurrentRuns: 1_000 });
    return {
      url: server.url,
      close: async () => {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const http = createServer();
  if (kind === 'bare ws') {
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
    wss.on('connection', (socket) => {
      socket.on('message', (data) => {
        const [count, perSecond] = parseRequest(data.toString());
        void streamEvents(count, perSecond, (event) => socket.send(JSON.stringify(event)));
      });
    });
  } else {
    const io = new SocketIoServer(http, { transports: ['websocket'], perMessageDeflate: false });
    io.on('connection', (socket) => {
      socket.on('go', (request: string) => {
        const [count, perSecond] = parseRequest(request);
        void streamEvents(count, perSecond, (event) => socket.emit('event', event));
      });
    });
  }
  const url = await listen(http);
  return { url, close: () => new Promise((resolve) => http.close(() => resolve())) };
}

async function runChild(kind: StreamServerKind): Promise<void> {
  // The bench died or was stopped: do not outlive it.
  process.on('disconnect', () => process.exit(0));
  const server = await serve(kind);
  process.on('message', async (request: Request) => {
    if (request.type === 'close') {
      await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
      process.exit(0);
    }
    const { user, system } = process.cpuUsage();
    process.send?.({ type: 'cpu', id: request.id, micros: user + system } satisfies Reply);
  });
  process.send?.({ type: 'ready', url: server.url } satisfies Reply);
}

if (process.argv[2] === CHILD_FLAG) await runChild(process.argv[3] as StreamServerKind);
