/**
 * Latency from emit to client receive at a steady rate (the bench-stream
 * scenario paced at 1,000 and 10,000 events/s). Server and client share this
 * process, so each delta's `{now}` stamp (performance.timeOrigin +
 * performance.now() when the agent streamed it) and the client's receive time
 * come from the same monotonic clock: sub-millisecond resolution. The path
 * measured is the full one: RunContext → RunManager (serialize) → journal
 * commit → notifier → OutboundQueue → ws → client JSON.parse.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkRunLifecycle } from '../protocol';
import { startTestServer } from '../server/testing/test-server';
import { BenchClient, emitStamps } from './client';
import { median, percentiles, progress, round } from './stats';

export interface LatencyAtRate {
  /** Offered rate, events/s. */
  perSecond: number;
  events: number;
  repetitions: number;
  /** Medians over the repetitions of each repetition's p50 / p99 / max, in ms. */
  p50: number;
  p99: number;
  max: number;
  /** Rate actually achieved by the paced stream (median), events/s. */
  achievedPerSecond: number;
  /** Lifecycle violations, foreign or missing events (must be 0). */
  violations: number;
}

export interface LatencyOptions {
  rates: readonly { perSecond: number; events: number }[];
  repetitions: number;
}

export async function measureLatency(options: LatencyOptions): Promise<LatencyAtRate[]> {
  const journalDir = mkdtempSync(path.join(tmpdir(), 'bench-journal-'));
  const server = await startTestServer({ journalPath: path.join(journalDir, 'journal.db') });
  const client = await BenchClient.open(server.url);
  const results: LatencyAtRate[] = [];
  try {
    await client.run('/scenario bench-stream count=2000 perSecond=10000'); // warm-up
    for (const { perSecond, events } of options.rates) {
      const reps: { p50: number; p99: number; max: number; achieved: number }[] = [];
      let violations = 0;
      for (let rep = 1; rep <= options.repetitions; rep += 1) {
        const record = await client.run(`/scenario bench-stream count=${events} perSecond=${perSecond}`);
        const lags: number[] = [];
        const stamps: number[] = [];
        record.events.forEach((event, index) => {
          if (event.type !== 'partial_result') return;
          const receivedAt = record.receivedAt[index] ?? Number.NaN;
          for (const stamp of emitStamps(event.payload.delta)) {
            lags.push(receivedAt - stamp);
            stamps.push(stamp);
          }
        });
        violations += checkRunLifecycle(record.events).length + record.foreign + Math.abs(events - lags.length);
        const spanMs = Math.max(...stamps) - Math.min(...stamps);
        const summary = percentiles(lags);
        reps.push({ ...summary, achieved: ((stamps.length - 1) / spanMs) * 1000 });
        progress(
          'latency',
          `${perSecond}/s rep ${rep}/${options.repetitions}: p50 ${summary.p50.toFixed(2)} ms, p99 ${summary.p99.toFixed(2)} ms, max ${summary.max.toFixed(2)} ms`,
        );
      }
      results.push({
        perSecond,
        events,
        repetitions: options.repetitions,
        p50: round(median(reps.map((r) => r.p50))),
        p99: round(median(reps.map((r) => r.p99))),
        max: round(median(reps.map((r) => r.max))),
        achievedPerSecond: round(median(reps.map((r) => r.achieved))),
        violations,
      });
    }
  } finally {
    client.close();
    await server.close();
    rmSync(journalDir, { recursive: true, force: true });
  }
  return results;
}
