/**
 * Server memory growth: the server runs alone in a child process (with
 * --expose-gc, see server-child.ts) and reports heapUsed / external / RSS after
 * full collections, before and after (a) one run of 10,000 events and (b) 100
 * runs of 100 events, each run on a new thread, the client staying connected;
 * then (c) three more 10,000-event runs, which tells a leak from a high-water mark.
 * The journal is a real SQLite file, as in production.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkRunLifecycle } from '../protocol';
import { BenchClient } from './client';
import { type MemorySample, NO_MESSAGE_LIMITS, startServerChild } from './server-child';
import { progress, round } from './stats';

const MB = 1024 * 1024;

interface MemoryGrowth {
  label: string;
  runs: number;
  eventsPerRun: number;
  /** Growth after GC, in MB. */
  heapUsedMb: number;
  externalMb: number;
  rssMb: number;
  violations: number;
}

export interface MemoryResult {
  baseline: { heapUsedMb: number; rssMb: number };
  cases: MemoryGrowth[];
}

export async function measureMemory(): Promise<MemoryResult> {
  const journalDir = mkdtempSync(path.join(tmpdir(), 'bench-journal-'));
  const server = await startServerChild({
    journalPath: path.join(journalDir, 'journal.db'),
    // 100 runs back to back from one user: above both message limits, which this bench does not measure.
    ...NO_MESSAGE_LIMITS,
  });
  const client = await BenchClient.open(server.url);
  try {
    for (let i = 0; i < 5; i += 1) await client.run('/scenario bench-stream count=500'); // warm-up
    const baseline = await server.measureAfterGc();
    const cases: MemoryGrowth[] = [];
    for (const [label, runs, eventsPerRun] of [
      ['1 run × 10,000 events', 1, 10_000],
      ['100 runs × 100 events', 100, 100],
      // A leak grows with every run; a one-off high-water mark (allocator, caches) does not.
      ['3 more runs × 10,000 events', 3, 10_000],
    ] as const) {
      const before = await server.measureAfterGc();
      let violations = 0;
      for (let run = 0; run < runs; run += 1) {
        const record = await client.run(`/scenario bench-stream count=${eventsPerRun}`);
        violations += checkRunLifecycle(record.events).length + record.foreign;
      }
      const after = await server.measureAfterGc();
      const growth = diff(before, after);
      cases.push({ label, runs, eventsPerRun, ...growth, violations });
      progress('memory', `${label}: heap +${growth.heapUsedMb} MB, RSS +${growth.rssMb} MB`);
    }
    return { baseline: { heapUsedMb: round(baseline.heapUsed / MB), rssMb: round(baseline.rss / MB) }, cases };
  } finally {
    client.close();
    await server.close();
    rmSync(journalDir, { recursive: true, force: true });
  }
}

function diff(before: MemorySample, after: MemorySample): Pick<MemoryGrowth, 'heapUsedMb' | 'externalMb' | 'rssMb'> {
  return {
    heapUsedMb: round((after.heapUsed - before.heapUsed) / MB),
    externalMb: round((after.external - before.external) / MB),
    rssMb: round((after.rss - before.rss) / MB),
  };
}
