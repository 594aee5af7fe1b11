/**
 * What one user's heavy asks cost everyone else, with the server alone in a
 * child process (its default limits, a real SQLite journal):
 * (a) a bystander's ping round trips while another user runs
 *     `/scenario burst 100000` (a burst used to hold the event loop for its
 *     whole length);
 * (b) server memory held by 10 resumers of a 100,000-event thread that stop
 *     reading (a replay used to be read, and held, whole per socket).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WsTestClient } from '../server/testing/ws-test-client';
import { NO_MESSAGE_LIMITS, type ServerChild, startServerChild } from './server-child';
import { percentiles, progress, round } from './stats';

const MB = 1024 * 1024;
const BURST = 100_000;
const RESUMERS = 10;

export interface AbuseResult {
  burst: { deltas: number; events: number; pings: number; rttP50Ms: number; rttP99Ms: number; rttMaxMs: number };
  pausedResumers: { resumers: number; threadEvents: number; heapUsedMb: number; rssMb: number };
}

export async function measureAbuse(): Promise<AbuseResult> {
  const journalDir = mkdtempSync(path.join(tmpdir(), 'bench-abuse-'));
  // The bystander pings back to back: its rate limits are lifted, nothing else is.
  const server = await startServerChild({
    journalPath: path.join(journalDir, 'journal.db'),
    ...NO_MESSAGE_LIMITS,
  });
  const sockets: WsTestClient[] = [];
  const connect = async (token?: string) => {
    const socket = await WsTestClient.connectAs(server.url, token);
    sockets.push(socket);
    return socket;
  };
  try {
    const { token } = await WsTestClient.signIn(server.url);
    const { threadId, ...burst } = await pingsDuringBurst(await connect(token), await connect(), server.url);
    progress('abuse', `burst ${BURST}: bystander ping p99 ${burst.rttP99Ms} ms, max ${burst.rttMaxMs} ms`);
    const pausedResumers = await pausedResumersMemory(server, threadId, () => connect(token));
    progress('abuse', `${RESUMERS} paused resumers: heap +${pausedResumers.heapUsedMb} MB`);
    return { burst, pausedResumers };
  } finally {
    for (const socket of sockets) socket.close();
    await server.close();
    rmSync(journalDir, { recursive: true, force: true });
  }
}

/** The bystander pings, one at a time, for as long as the burst runs. */
async function pingsDuringBurst(heavy: WsTestClient, bystander: WsTestClient, bystanderUrl: string) {
  let done = false;
  const run = heavy.runToCompletion(`/scenario burst ${BURST}`).finally(() => {
    done = true;
  });
  await heavy.next((m) => m.type === 'message_accepted');
  const rtts: number[] = [];
  // Until the burst has ended on the server too (a reader closed with 1013 leaves it running).
  const serverBusy = async () => {
    const health = await fetch(new URL('/healthz', bystanderUrl));
    return ((await health.json()) as { activeRuns: number }).activeRuns > 0;
  };
  while (!done || (await serverBusy())) {
    const from = bystander.messages.length;
    const sentAt = performance.now();
    bystander.send({ type: 'ping' });
    await bystander.next((m) => m.type === 'pong', from);
    rtts.push(performance.now() - sentAt);
  }
  const { threadId, events } = await run;
  const { p50, p99, max } = percentiles(rtts);
  return {
    threadId,
    deltas: BURST,
    events: events.length,
    pings: rtts.length,
    rttP50Ms: round(p50),
    rttP99Ms: round(p99),
    rttMaxMs: round(max),
  };
}

/** Server memory (after GC) with RESUMERS sockets that resumed the thread from 0 and stopped reading. */
async function pausedResumersMemory(server: ServerChild, threadId: string, connect: () => Promise<WsTestClient>) {
  const before = await server.measureAfterGc();
  const resumers = await Promise.all(Array.from({ length: RESUMERS }, connect));
  for (const resumer of resumers) {
    resumer.socket.pause();
    resumer.send({ type: 'resume', threadId, afterSeq: 0 });
  }
  // Settled: the kernel buffers are full and the server holds what it holds.
  let previous = 0;
  let during = await server.measureAfterGc();
  while (Math.abs(during.heapUsed - previous) > MB) {
    previous = during.heapUsed;
    await new Promise((resolve) => setTimeout(resolve, 500));
    during = await server.measureAfterGc();
  }
  for (const resumer of resumers) resumer.socket.resume();
  await Promise.all(resumers.map((resumer) => resumer.next((m) => m.type === 'agent_completed')));
  return {
    resumers: RESUMERS,
    threadEvents: BURST,
    heapUsedMb: round((during.heapUsed - before.heapUsed) / MB),
    rssMb: round((during.rss - before.rss) / MB),
  };
}
