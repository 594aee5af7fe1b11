/**
 * Scale: many concurrent WebSocket sessions (one user each), every one running
 * the same scripted run (bench-stream, paced) at the same time. The server runs
 * alone in a child process, so its RSS is its own. Reports total events/s,
 * per-event latency (event `ts` vs the client's Date.now(): both wall clock,
 * 1 ms resolution, since the two processes share no monotonic clock), loss
 * (every session must get every event of its run, checked by
 * checkRunLifecycle) and cross-session frames (must be 0).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkRunLifecycle } from '../protocol';
import { BenchClient, epochNow, eventsCovered } from './client';
import { startServerChild } from './server-child';
import { type Percentiles, percentiles, progress, round } from './stats';

/** Events of a bench-stream run besides its deltas: started, thinking, tool executing/completed, completed. */
const FIXED_EVENTS_PER_RUN = 5;
const CONNECT_CONCURRENCY = 50;

export interface ScaleOptions {
  sessions: number;
  eventsPerRun: number;
  perSecondPerRun: number;
}

export interface ScaleResult extends ScaleOptions {
  totalEvents: number;
  eventsPerSecond: number;
  latencyMs: Percentiles;
  /**
   * The same past each run's first START_EVENTS events: the runs all start at once, so their first events
   * wait behind 1,000 starts; this separates that herd from the steady stream.
   */
  steadyLatencyMs: Percentiles;
  /** Events missing from sessions (expected minus delivered, summed); must be 0. */
  lostEvents: number;
  /** Frames a session received that belonged to another session's run or thread; must be 0. */
  crossSessionFrames: number;
  violations: number;
  serverRssMb: { idle: number; peak: number; afterGc: number };
  connectMs: number;
  wallMs: number;
}

/** A run's first events: agent_started, the thought, the tool's two and the first delta. */
const START_EVENTS = 5;

export async function measureScale(options: ScaleOptions): Promise<ScaleResult> {
  const { sessions, eventsPerRun, perSecondPerRun } = options;
  const journalDir = mkdtempSync(path.join(tmpdir(), 'bench-journal-'));
  const server = await startServerChild({ journalPath: path.join(journalDir, 'journal.db') });
  const clients: BenchClient[] = [];
  try {
    const idle = await server.measureAfterGc();
    const connectStart = epochNow();
    while (clients.length < sessions) {
      const batch = Math.min(CONNECT_CONCURRENCY, sessions - clients.length);
      clients.push(...(await Promise.all(Array.from({ length: batch }, () => BenchClient.open(server.url)))));
    }
    const connectMs = epochNow() - connectStart;
    progress('scale', `${sessions} sessions connected in ${Math.round(connectMs)} ms; starting their runs`);
    let peakRss = 0;
    const sampler = setInterval(() => {
      void server.sample().then((memory) => {
        peakRss = Math.max(peakRss, memory.rss);
      });
    }, 200);
    const startedAt = epochNow();
    const text = `/scenario bench-stream count=${eventsPerRun} perSecond=${perSecondPerRun}`;
    const records = await Promise.all(clients.map((client) => client.run(text)));
    const wallMs = epochNow() - startedAt;
    clearInterval(sampler);
    const afterGc = await server.measureAfterGc();
    const lags: number[] = [];
    const steadyLags: number[] = [];
    let delivered = 0;
    let crossSessionFrames = 0;
    let violations = 0;
    const threads = new Set<string>();
    for (const [index, record] of records.entries()) {
      record.events.forEach((event, i) => {
        const lag = (record.receivedWall[i] ?? Number.NaN) - event.ts;
        lags.push(lag);
        if (i >= START_EVENTS) steadyLags.push(lag);
        delivered += eventsCovered(event);
      });
      crossSessionFrames += record.foreign + (clients[index]?.stray ?? 0) + (threads.has(record.threadId) ? 1 : 0);
      threads.add(record.threadId);
      violations += checkRunLifecycle(record.events).length;
    }
    const expected = sessions * (eventsPerRun + FIXED_EVENTS_PER_RUN);
    const MB = 1024 * 1024;
    return {
      ...options,
      totalEvents: delivered,
      eventsPerSecond: round((delivered / wallMs) * 1000),
      latencyMs: percentiles(lags),
      steadyLatencyMs: percentiles(steadyLags),
      lostEvents: expected - delivered,
      crossSessionFrames,
      violations,
      serverRssMb: { idle: round(idle.rss / MB), peak: round(peakRss / MB), afterGc: round(afterGc.rss / MB) },
      connectMs: round(connectMs),
      wallMs: round(wallMs),
    };
  } finally {
    for (const client of clients) client.close();
    await server.close();
    rmSync(journalDir, { recursive: true, force: true });
  }
}
