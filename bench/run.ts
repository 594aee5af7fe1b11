/**
 * Entry point: `npm run bench` runs every measurement and writes
 * bench/results/latest.json; `npm run bench:quick` (< 60 s, for CI) runs
 * throughput and latency only, writes bench/results/quick.json, and exits 1
 * only when the full path falls below the floor. `--only a,b` picks sections
 * (throughput, latency, memory, browser, scale, abuse, cluster) and writes partial.json.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureAbuse } from './abuse';
import { measureBrowser } from './browser';
import { measureCluster } from './cluster';
import { measureLatency } from './latency';
import { measureMemory } from './memory';
import { type BenchResults, formatReport, judgeTargets, machineInfo, writeResults } from './report';
import { measureScale } from './scale';
import { progress, round } from './stats';
import { measureThroughput } from './throughput';

const SECTIONS = ['throughput', 'latency', 'memory', 'browser', 'scale', 'abuse', 'cluster'] as const;
type Section = (typeof SECTIONS)[number];

/**
 * Quick mode fails CI below these, nowhere else. Both are medians over the
 * repetitions, never a tail. Quiet, this 2-core machine gives about 75,000
 * events/s (the client process is the limit), so a 10× regression (7,500/s)
 * falls below 10,000; with another core kept busy the slowest repetition seen
 * was 49,000/s, 4.9× above it. p50 latency at 1,000/s is about 0.2 ms: 10 ms
 * only catches a delay built into the path (a timer, a poll), which a
 * tail-based floor used to confuse with a busy machine.
 */
export const FLOOR = { minEventsPerSecond: 10_000, maxP50Ms: 10 };

function parseArgs(argv: readonly string[]): { quick: boolean; sections: Set<Section> } {
  const quick = argv.includes('--quick');
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',') : undefined;
  for (const name of only ?? []) {
    if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`unknown section "${name}"`);
  }
  const defaults: readonly Section[] = quick ? ['throughput', 'latency'] : SECTIONS;
  return { quick, sections: new Set((only as Section[] | undefined) ?? defaults) };
}

async function main(): Promise<number> {
  const { quick, sections } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const partial: Omit<BenchResults, 'targets'> = {
    mode: quick ? 'quick' : 'full',
    startedAt: new Date().toISOString(),
    durationS: 0,
    machine: machineInfo(),
  };
  progress('bench', `${partial.mode} run: ${[...sections].join(', ')}`);
  if (sections.has('throughput')) {
    partial.throughput = await measureThroughput(
      quick
        ? { events: 5_000, runs: 4, repetitions: 3, rates: [0], withValidation: false }
        : { events: 20_000, runs: 8, repetitions: 3, rates: [0, 1_000, 5_000], withValidation: true },
    );
  }
  if (sections.has('latency')) {
    partial.latency = await measureLatency(
      quick
        ? {
            rates: [
              { perSecond: 1_000, events: 2_000 },
              { perSecond: 10_000, events: 10_000 },
            ],
            repetitions: 3,
          }
        : {
            rates: [
              { perSecond: 1_000, events: 5_000 },
              { perSecond: 10_000, events: 30_000 },
            ],
            repetitions: 3,
          },
    );
  }
  if (sections.has('memory')) partial.memory = await measureMemory();
  if (sections.has('browser')) partial.browser = await measureBrowser(10_000);
  if (sections.has('scale')) {
    partial.scale = await measureScale({ sessions: 1_000, eventsPerRun: 100, perSecondPerRun: 20 });
  }
  if (sections.has('abuse')) partial.abuse = await measureAbuse();
  if (sections.has('cluster')) {
    // 5,000 events/s offered, which every case sustains here, then 10,000/s, which saturates 2 cores.
    partial.cluster = [];
    for (const sessions of [100, 200]) {
      partial.cluster.push(await measureCluster({ sessions, eventsPerRun: 300, perSecondPerRun: 50 }));
    }
  }
  partial.durationS = round((performance.now() - started) / 1000);
  const results: BenchResults = { ...partial, targets: judgeTargets(partial) };
  // The floor judges both sections it reads: a quick run limited by --only has none.
  if (quick && sections.has('throughput') && sections.has('latency')) {
    const rate =
      results.throughput?.modes.find((mode) => mode.perSecondPerRun === 0)?.variants.ours?.eventsPerSecond ?? 0;
    const p50 = results.latency?.find((entry) => entry.perSecond === 1_000)?.p50 ?? Number.POSITIVE_INFINITY;
    // Fast but wrong is not fast: a broken lifecycle fails the floor too.
    const correct = results.throughput?.violations === 0;
    const passed = correct && rate >= FLOOR.minEventsPerSecond && p50 <= FLOOR.maxP50Ms;
    results.floor = { ...FLOOR, passed };
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  // A partial run (--only) must not replace the full results the README quotes.
  const name = quick ? 'quick.json' : sections.size < SECTIONS.length ? 'partial.json' : 'latest.json';
  const file = path.join(here, 'results', name);
  writeResults(results, file);
  console.log(formatReport(results));
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  return results.floor?.passed === false ? 1 : 0;
}

process.exitCode = await main();
