/**
 * Several server processes on one Redis against one process on SQLite: the
 * same sessions (spread round-robin over the processes) each stream a run at
 * a steady rate; aggregate events/s delivered, and latency from the event's
 * `ts` to the client's receipt (both wall clocks, 1 ms resolution). The Redis
 * is one of the bench's own (redis-server on a free port, nothing on disk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkRunLifecycle } from '../protocol';
import { startTestRedis } from '../server/testing/redis-server';
import { BenchClient, epochNow, eventsCovered } from './client';
import { NO_MESSAGE_LIMITS, type ServerChild, startServerChild } from './server-child';
import { type Percentiles, percentiles, progress, round } from './stats';

interface ClusterCase {
  label: string;
  processes: number;
  store: 'sqlite' | 'redis';
  eventsPerSecond: number;
  latencyMs: Percentiles;
  lostEvents: number;
  violations: number;
}

export interface ClusterResult {
  sessions: number;
  eventsPerRun: number;
  perSecondPerRun: number;
  cases: ClusterCase[];
}

/** Events of a bench-stream run besides its deltas. */
const FIXED_EVENTS_PER_RUN = 5;
const SECRET = 'bench-cluster-secret-0123456789';

async function measureCase(
  servers: readonly ServerChild[],
  options: Omit<ClusterResult, 'cases'>,
): Promise<Omit<ClusterCase, 'label' | 'processes' | 'store'>> {
  const clients = await Promise.all(
    Array.from({ length: options.sessions }, (_, i) =>
      BenchClient.open((servers[i % servers.length] as ServerChild).url),
    ),
  );
  try {
    const text = `/scenario bench-stream count=${options.eventsPerRun} perSecond=${options.perSecondPerRun}`;
    const startedAt = epochNow();
    const records = await Promise.all(clients.map((client) => client.run(text)));
    const wallMs = epochNow() - startedAt;
    const lags: number[] = [];
    let delivered = 0;
    let violations = 0;
    for (const record of records) {
      record.events.forEach((event, i) => {
        lags.push((record.receivedWall[i] ?? Number.NaN) - event.ts);
        delivered += eventsCovered(event);
      });
      violations += checkRunLifecycle(record.events).length;
    }
    return {
      eventsPerSecond: round((delivered / wallMs) * 1000),
      latencyMs: percentiles(lags),
      lostEvents: options.sessions * (options.eventsPerRun + FIXED_EVENTS_PER_RUN) - delivered,
      violations,
    };
  } finally {
    for (const client of clients) client.close();
  }
}

export async function measureCluster(options: Omit<ClusterResult, 'cases'>): Promise<ClusterResult> {
  const cases: ClusterCase[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-cluster-'));
  const base = { ...NO_MESSAGE_LIMITS, maxConcurrentRuns: 1_000 };
  try {
    const sqlite = await startServerChild({ ...base, journalPath: path.join(dir, 'journal.db') });
    try {
      cases.push({
        label: '1 process, SQLite',
        processes: 1,
        store: 'sqlite',
        ...(await measureCase([sqlite], options)),
      });
    } finally {
      await sqlite.close();
    }
    for (const processes of [1, 2, 3]) {
      const redis = await startTestRedis();
      const servers = await Promise.all(
        Array.from({ length: processes }, () =>
          startServerChild({ ...base, redisUrl: redis.url, sessions: { secret: SECRET } }),
        ),
      );
      try {
        const label = `${processes} process${processes > 1 ? 'es' : ''}, Redis`;
        cases.push({ label, processes, store: 'redis', ...(await measureCase(servers, options)) });
      } finally {
        await Promise.all(servers.map((server) => server.close()));
        await redis.stop();
      }
      const last = cases.at(-1) as ClusterCase;
      progress('cluster', `${last.label}: ${last.eventsPerSecond} events/s, p99 ${last.latencyMs.p99} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { ...options, cases };
}
