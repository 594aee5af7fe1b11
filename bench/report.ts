/**
 * The benchmark report: the results of each measurement, the targets judged
 * against them (met / not met, never asserted), a plain-text table on stdout
 * and the JSON written to bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AbuseResult } from './abuse';
import type { BrowserResult } from './browser';
import type { ClusterResult } from './cluster';
import type { LatencyAtRate } from './latency';
import type { MemoryResult } from './memory';
import type { ScaleResult } from './scale';
import type { ThroughputResult } from './throughput';

export interface BenchResults {
  mode: 'full' | 'quick';
  startedAt: string;
  durationS: number;
  machine: { node: string; cpus: number; cpuModel: string; platform: string };
  throughput?: ThroughputResult;
  latency?: LatencyAtRate[];
  memory?: MemoryResult;
  browser?: BrowserResult;
  scale?: ScaleResult;
  abuse?: AbuseResult;
  cluster?: ClusterResult[];
  targets: TargetCheck[];
  /** Quick mode's CI floor: the full path must stay above it. */
  floor?: { minEventsPerSecond: number; maxP50Ms: number; passed: boolean };
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export function machineInfo(): BenchResults['machine'] {
  const cpus = os.cpus();
  return { node: process.version, cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', platform: os.platform() };
}

const fmt = (value: number, digits = 1) => value.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Judges every target the results can speak to. */
export function judgeTargets(results: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (target: string, measured: string, met: boolean) => checks.push({ target, measured, met });
  const { throughput, latency, memory, browser, scale } = results;
  if (throughput) {
    add('full path ≥ 50% of bare ws, unpaced', `${fmt(throughput.oursVsBare * 100)}%`, throughput.oursVsBare >= 0.5);
    add(
      'full path ≥ 1.5× Socket.IO, unpaced',
      `${fmt(throughput.oursVsSocketIo, 2)}×`,
      throughput.oursVsSocketIo >= 1.5,
    );
  }
  const at1k = latency?.find((entry) => entry.perSecond === 1000);
  if (at1k) add('emit→receive p99 < 5 ms at 1,000/s', `${fmt(at1k.p99, 2)} ms`, at1k.p99 < 5);
  // By label: the cases are not in a fixed order (the markdown case came between these two).
  const paced = browser?.cases.find(
    (entry) => /events at 2,000\/s$/.test(entry.label) && !/markdown/.test(entry.label),
  );
  const burst = browser?.cases.find((entry) => entry.label.endsWith('in one burst'));
  if (paced) add('page render lag p95 < 16 ms at 2,000/s', `${fmt(paced.renderLag.p95)} ms`, paced.renderLag.p95 < 16);
  if (burst) {
    const { count, maxMs } = burst.longTasks;
    add('no long task > 50 ms in the burst', `${count} (longest ${fmt(maxMs)} ms)`, count === 0);
  }
  const big = memory?.cases[0];
  if (big) {
    add('server heap growth < 10 MB for 10,000 events', `${fmt(big.heapUsedMb, 2)} MB`, big.heapUsedMb < 10);
    add('server RSS growth < 10 MB for 10,000 events', `${fmt(big.rssMb, 2)} MB`, big.rssMb < 10);
  }
  if (browser) {
    const heap = Math.max(...browser.cases.map((entry) => entry.jsHeapMb));
    add('page JS heap < 30 MB after 10,000 events', `${fmt(heap, 2)} MB`, heap < 30);
  }
  if (scale) {
    const lossless = scale.lostEvents === 0 && scale.crossSessionFrames === 0 && scale.violations === 0;
    add(
      `${fmt(scale.sessions, 0)} sessions: zero loss, no cross-session frame`,
      `lost ${scale.lostEvents}, cross ${scale.crossSessionFrames}, violations ${scale.violations}`,
      lossless,
    );
    add(`${fmt(scale.sessions, 0)} sessions: p99 < 50 ms`, `${fmt(scale.latencyMs.p99)} ms`, scale.latencyMs.p99 < 50);
  }
  return checks;
}

function table(title: string, header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [`\n${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatReport(results: BenchResults): string {
  const out: string[] = [];
  const { throughput, latency, memory, browser, scale } = results;
  if (throughput) {
    const rows = throughput.modes.flatMap((mode) =>
      Object.entries(mode.variants).map(([name, variant]) => [
        mode.perSecondPerRun ? `${fmt(throughput.runs, 0)} × ${fmt(mode.perSecondPerRun, 0)}/s` : 'unpaced',
        name,
        fmt(variant.eventsPerSecond, 0),
        variant.reps.map((rep) => fmt(rep, 0)).join(' / '),
        fmt(variant.cpuMicrosPerEvent, 2),
        `${fmt(variant.coreShare.server, 0)} / ${fmt(variant.coreShare.client, 0)}`,
      ]),
    );
    out.push(
      table(
        `Throughput, server process → client process over loopback (${fmt(throughput.runs, 0)} runs at once × ${fmt(throughput.events, 0)} events, median of ${throughput.repetitions})`,
        ['rate per run', 'path', 'events/s', 'repetitions', 'server CPU µs/event', 'core % server / client'],
        rows,
      ),
      `ratios (same run, unpaced): ours/bare ws ${fmt(throughput.oursVsBare, 3)}, ours/Socket.IO ${fmt(throughput.oursVsSocketIo, 3)}; client lifecycle violations ${throughput.violations}`,
    );
  }
  if (latency) {
    const rows = latency.map((entry) => [
      `${fmt(entry.perSecond, 0)}/s`,
      fmt(entry.events, 0),
      fmt(entry.achievedPerSecond, 0),
      fmt(entry.p50, 3),
      fmt(entry.p99, 3),
      fmt(entry.max, 3),
      String(entry.violations),
    ]);
    out.push(
      table(
        `Latency, emit → client receive (ms, median of ${latency[0]?.repetitions ?? 0})`,
        ['rate', 'events', 'achieved/s', 'p50', 'p99', 'max', 'violations'],
        rows,
      ),
    );
  }
  if (memory) {
    const rows = memory.cases.map((entry) => [
      entry.label,
      fmt(entry.heapUsedMb, 2),
      fmt(entry.externalMb, 2),
      fmt(entry.rssMb, 2),
    ]);
    out.push(
      table(
        `Server memory growth after GC (MB; baseline heap ${fmt(memory.baseline.heapUsedMb)}, RSS ${fmt(memory.baseline.rssMb)})`,
        ['case', 'heapUsed', 'external', 'RSS'],
        rows,
      ),
    );
  }
  if (browser) {
    const rows = browser.cases.map((entry) => [
      entry.label,
      `${fmt(entry.renderLag.p50)} / ${fmt(entry.renderLag.p95)} / ${fmt(entry.renderLag.max)}`,
      `${fmt(entry.lagParts.waitP95)} / ${fmt(entry.lagParts.commitP95)}`,
      `${entry.longTasks.count} (${fmt(entry.longTasks.maxMs)} ms)`,
      String(entry.droppedFrames),
      String(entry.renders),
      fmt(entry.jsHeapMb, 2),
      String(entry.violations),
    ]);
    out.push(
      table(
        `Browser (${path.basename(browser.chromium)}): frame arrival → DOM commit`,
        [
          'case',
          'lag p50/p95/max ms',
          'p95 wait/commit',
          'long tasks',
          'dropped frames',
          'commits',
          'JS heap MB',
          'violations',
        ],
        rows,
      ),
    );
  }
  if (scale) {
    const { latencyMs: l, serverRssMb: rss } = scale;
    out.push(
      table(
        `Scale: ${fmt(scale.sessions, 0)} concurrent sessions × ${scale.eventsPerRun} deltas at ${scale.perSecondPerRun}/s each`,
        [
          'events',
          'events/s',
          'p50/p99/max ms',
          'p99 past the start',
          'lost',
          'cross-session',
          'RSS idle/peak/after MB',
        ],
        [
          [
            fmt(scale.totalEvents, 0),
            fmt(scale.eventsPerSecond, 0),
            `${fmt(l.p50)} / ${fmt(l.p99)} / ${fmt(l.max)}`,
            `${fmt(scale.steadyLatencyMs.p99)}`,
            String(scale.lostEvents),
            String(scale.crossSessionFrames),
            `${fmt(rss.idle)} / ${fmt(rss.peak)} / ${fmt(rss.afterGc)}`,
          ],
        ],
      ),
    );
  }
  if (results.abuse) {
    const { burst, pausedResumers: paused } = results.abuse;
    out.push(
      table(
        "One user's heavy asks, what they cost others",
        ['case', 'figure'],
        [
          [
            `bystander ping RTT during a ${fmt(burst.deltas, 0)}-delta burst (${burst.pings} pings)`,
            `p50 ${fmt(burst.rttP50Ms)} / p99 ${fmt(burst.rttP99Ms)} / max ${fmt(burst.rttMaxMs)} ms`,
          ],
          [
            `${paused.resumers} resumers of a ${fmt(paused.threadEvents, 0)}-event thread, not reading`,
            `server heap +${fmt(paused.heapUsedMb, 2)} MB, RSS +${fmt(paused.rssMb, 2)} MB`,
          ],
        ],
      ),
    );
  }
  for (const { sessions, eventsPerRun, perSecondPerRun, cases } of results.cluster ?? []) {
    out.push(
      table(
        `Several processes on Redis: ${fmt(sessions, 0)} sessions × ${eventsPerRun} deltas at ${perSecondPerRun}/s each, spread over the processes`,
        ['case', 'events/s', 'p50/p99/max ms', 'lost', 'violations'],
        cases.map((entry) => [
          entry.label,
          fmt(entry.eventsPerSecond, 0),
          `${fmt(entry.latencyMs.p50)} / ${fmt(entry.latencyMs.p99)} / ${fmt(entry.latencyMs.max)}`,
          String(entry.lostEvents),
          String(entry.violations),
        ]),
      ),
    );
  }
  const targets = results.targets.map((check) => [check.target, check.measured, check.met ? 'met' : 'NOT MET']);
  out.push(table('Targets', ['target', 'measured', ''], targets));
  if (results.floor) {
    const { minEventsPerSecond, maxP50Ms, passed } = results.floor;
    const verdict = passed ? 'passed' : 'FAILED';
    out.push(
      `\nCI floor (median ≥ ${fmt(minEventsPerSecond, 0)} events/s, median p50 ≤ ${maxP50Ms} ms at 1,000/s, no lifecycle violation): ${verdict}`,
    );
  }
  out.push(
    `\n${results.mode} run, ${fmt(results.durationS)} s on ${results.machine.cpus} × ${results.machine.cpuModel}`,
  );
  return out.join('\n');
}

export function writeResults(results: BenchResults, file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
