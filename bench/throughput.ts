/**
 * Throughput, server → Node client over loopback, all three in this process
 * and interleaved rep by rep: (a) our full path (agent runtime → journal →
 * notifier → ws → client, with checkRunLifecycle on the client), (b) bare `ws`
 * sending the same frames, (c) Socket.IO emitting the same objects. Each
 * sender streams in chunks of UNPACED_STREAM_CHUNK per macrotask, as the
 * bench-stream scenario does. Events/s = events delivered / (send → last event).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Server as SocketIoServer } from 'socket.io';
import { io as connectSocketIo } from 'socket.io-client';
import WebSocket, { WebSocketServer } from 'ws';
import { checkRunLifecycle, type RunEvent } from '../protocol';
import { UNPACED_STREAM_CHUNK } from '../server/agents/scenario-agent';
import type { RunningServer } from '../server/app';
import { startTestServer } from '../server/testing/test-server';
import { BenchClient, epochNow, eventsCovered } from './client';
import { median, progress, round } from './stats';

export type VariantName = 'ours' | 'ours+validate' | 'bare ws' | 'socket.io';

export interface VariantResult {
  /** Median events/s over the repetitions. */
  eventsPerSecond: number;
  /** Each repetition's events/s. */
  reps: number[];
  /** Frames received in the last repetition (fewer than events when deltas were coalesced). */
  frames: number;
}

export interface ThroughputResult {
  events: number;
  repetitions: number;
  variants: Partial<Record<VariantName, VariantResult>>;
  /** Ratios of the medians: ours / bare ws and ours / Socket.IO. */
  oursVsBare: number;
  oursVsSocketIo: number;
  /** Lifecycle violations found by the client over all of our runs (must be 0). */
  violations: number;
}

export interface ThroughputOptions {
  events: number;
  repetitions: number;
  /** Also measure our path with full schema validation on the client. */
  withValidation: boolean;
}

interface Measured {
  events: number;
  frames: number;
  ms: number;
}

type Runner = () => Promise<Measured>;

export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const { events, repetitions } = options;
  const journalDir = mkdtempSync(path.join(tmpdir(), 'bench-journal-'));
  const server = await startTestServer({ journalPath: path.join(journalDir, 'journal.db') });
  const bare = await startBareWs();
  const sio = await startSocketIo();
  let violations = 0;
  const runners: [VariantName, Runner][] = [
    ['ours', () => runOurs(server, events, false, (count) => (violations += count))],
    ['bare ws', () => bare.run(events)],
    ['socket.io', () => sio.run(events)],
  ];
  if (options.withValidation) {
    runners.splice(1, 0, ['ours+validate', () => runOurs(server, events, true, (count) => (violations += count))]);
  }
  const reps = new Map<VariantName, number[]>();
  const frames = new Map<VariantName, number>();
  try {
    for (const [, run] of runners) await run(); // warm-up: JIT, connections, SQLite pages
    for (let rep = 1; rep <= repetitions; rep += 1) {
      for (const [name, run] of runners) {
        const measured = await run();
        const rate = (measured.events / measured.ms) * 1000;
        reps.set(name, [...(reps.get(name) ?? []), rate]);
        frames.set(name, measured.frames);
        progress('throughput', `rep ${rep}/${repetitions} ${name}: ${Math.round(rate)} events/s`);
      }
    }
  } finally {
    await Promise.all([server.close(), bare.close(), sio.close()]);
    rmSync(journalDir, { recursive: true, force: true });
  }
  const variants: Partial<Record<VariantName, VariantResult>> = {};
  for (const [name, rates] of reps) {
    variants[name] = { eventsPerSecond: round(median(rates)), reps: rates.map(round), frames: frames.get(name) ?? 0 };
  }
  const ours = variants.ours?.eventsPerSecond ?? 0;
  return {
    events,
    repetitions,
    variants,
    oursVsBare: round(ours / (variants['bare ws']?.eventsPerSecond ?? Number.NaN)),
    oursVsSocketIo: round(ours / (variants['socket.io']?.eventsPerSecond ?? Number.NaN)),
    violations,
  };
}

async function runOurs(
  server: RunningServer,
  events: number,
  validate: boolean,
  onViolations: (count: number) => void,
): Promise<Measured> {
  const client = await BenchClient.open(server.url, { validate });
  try {
    const record = await client.run(`/scenario bench-stream count=${events}`);
    // The client-side contract check is part of the measured path.
    const violations = checkRunLifecycle(record.events);
    const ms = epochNow() - record.sentAt;
    onViolations(violations.length + record.foreign + client.stray);
    const delivered = record.events.reduce((sum, event) => sum + eventsCovered(event), 0);
    return { events: delivered, frames: record.events.length, ms };
  } finally {
    client.close();
  }
}

/** The events a baseline sends: the same envelope and delta text as a bench-stream run. */
function* baselineEvents(count: number): Generator<RunEvent> {
  const base = { threadId: 'baseline-thread', runId: 'baseline-run' };
  yield { type: 'agent_started', ...base, seq: 1, ts: Date.now(), payload: { agentName: 'baseline', input: 'go' } };
  for (let i = 1; i <= count; i += 1) {
    const delta = `${i}@${epochNow()} `;
    yield { type: 'partial_result', ...base, seq: i + 1, ts: Date.now(), payload: { delta } };
  }
  const payload = { status: 'success', durationMs: 0 } as const;
  yield { type: 'agent_completed', ...base, seq: count + 2, ts: Date.now(), payload };
}

/** Sends every event, UNPACED_STREAM_CHUNK per macrotask (as the scenario agent does). */
async function sendChunked(count: number, send: (event: RunEvent) => void): Promise<void> {
  let inChunk = 0;
  for (const event of baselineEvents(count)) {
    send(event);
    inChunk += 1;
    if (inChunk === UNPACED_STREAM_CHUNK) {
      inChunk = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

interface Baseline {
  run(events: number): Promise<Measured>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startBareWs(): Promise<Baseline> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    socket.on('message', (data) => void sendChunked(Number(data.toString()), (e) => socket.send(JSON.stringify(e))));
  });
  const host = await listen(http);
  const socket = new WebSocket(`ws://${host}`, { perMessageDeflate: false });
  await new Promise((resolve) => socket.once('open', resolve));
  return {
    run: (events) =>
      new Promise((resolve) => {
        const count = countUntilCompleted((timing) => {
          socket.off('message', onMessage);
          resolve(timing);
        });
        const onMessage = (data: WebSocket.RawData) => count(JSON.parse(data.toString()) as RunEvent);
        socket.on('message', onMessage);
        socket.send(String(events));
      }),
    close: async () => {
      socket.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/** Counts a baseline's events from now until agent_completed, then reports the timing once. */
function countUntilCompleted(done: (timing: { events: number; frames: number; ms: number }) => void) {
  let frames = 0;
  let delivered = 0;
  const startedAt = epochNow();
  return (event: RunEvent): void => {
    frames += 1;
    delivered += eventsCovered(event);
    if (event.type === 'agent_completed') done({ events: delivered, frames, ms: epochNow() - startedAt });
  };
}

async function startSocketIo(): Promise<Baseline> {
  const http = createServer();
  const server = new SocketIoServer(http, { transports: ['websocket'], perMessageDeflate: false });
  server.on('connection', (socket) => {
    socket.on('go', (count: number) => void sendChunked(count, (event) => socket.emit('event', event)));
  });
  const host = await listen(http);
  const client = connectSocketIo(`http://${host}`, { transports: ['websocket'], forceNew: true });
  await new Promise((resolve) => client.once('connect', () => resolve(undefined)));
  return {
    run: (events) =>
      new Promise((resolve) => {
        const onEvent = countUntilCompleted((timing) => {
          client.off('event', onEvent);
          resolve(timing);
        });
        client.on('event', onEvent);
        client.emit('go', events);
      }),
    close: async () => {
      client.close();
      await server.close();
    },
  };
}
