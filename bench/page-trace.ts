/**
 * Reads a Chromium trace of the page (bench/browser.ts with BENCH_PAGE_TRACE)
 * and prints where its main thread went: time by kind of work (script, style,
 * layout, paint), and the layout's cost per commit as the run went on, which
 * shows whether a frame's work grows with the answer.
 *
 *   BENCH_PAGE_TRACE=/tmp/trace npx tsx bench/run.ts --only browser
 *   npx tsx bench/page-trace.ts /tmp/trace/<case>.json
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { percentiles, round } from './stats';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  pid: number;
  args?: { data?: { frame?: string } };
}

/** Trace event names by the kind of work they are, as DevTools' Performance panel groups them. */
const KINDS: Record<string, string> = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  TimerFire: 'script',
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  UpdateLayer: 'paint',
  CompositeLayers: 'paint',
};

/** The renderer's main thread: the one that ran the most layout. */
function mainThread(events: readonly TraceEvent[]): (event: TraceEvent) => boolean {
  const layoutBy = new Map<string, number>();
  for (const event of events) {
    if (event.name !== 'Layout') continue;
    const key = `${event.pid}:${event.tid}`;
    layoutBy.set(key, (layoutBy.get(key) ?? 0) + 1);
  }
  const [key] = [...layoutBy].sort((a, b) => b[1] - a[1])[0] ?? ['none'];
  return (event) => `${event.pid}:${event.tid}` === key;
}

/** Time each event spent outside the events nested in it, µs: nested events are not counted twice. */
function selfTimes(events: readonly TraceEvent[]): Map<TraceEvent, number> {
  const sorted = [...events].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<TraceEvent, number>();
  const stack: TraceEvent[] = [];
  for (const event of sorted) {
    while (stack.length > 0 && (stack.at(-1) as TraceEvent).ts + ((stack.at(-1) as TraceEvent).dur ?? 0) <= event.ts) {
      stack.pop();
    }
    const parent = stack.at(-1);
    if (parent) self.set(parent, (self.get(parent) ?? 0) - (event.dur ?? 0));
    self.set(event, (self.get(event) ?? 0) + (event.dur ?? 0));
    stack.push(event);
  }
  return self;
}

export function summarizeTrace(events: readonly TraceEvent[], slices = 4): string {
  const onMain = mainThread(events);
  const complete = events.filter((event) => event.ph === 'X' && event.dur !== undefined && onMain(event));
  const tasks = complete.filter((event) => event.name.endsWith('RunTask'));
  const from = Math.min(...complete.map((event) => event.ts));
  const to = Math.max(...complete.map((event) => event.ts + (event.dur ?? 0)));
  const byKind = new Map<string, number>();
  for (const [event, us] of selfTimes(complete)) {
    const kind = KINDS[event.name] ?? 'other';
    byKind.set(kind, (byKind.get(kind) ?? 0) + us);
  }
  // Tasks nest (a task run inside another's message loop): count only the outermost.
  let busy = 0;
  let busyUntil = 0;
  for (const task of [...tasks].sort((a, b) => a.ts - b.ts)) {
    if (task.ts < busyUntil) continue;
    busy += task.dur ?? 0;
    busyUntil = task.ts + (task.dur ?? 0);
  }
  const lines = [
    `main thread: ${round(busy / 1000)} ms busy in ${round((to - from) / 1000)} ms (${tasks.length} tasks; self time by kind:)`,
    ...[...byKind]
      .sort((a, b) => b[1] - a[1])
      .map(([kind, us]) => `  ${kind.padEnd(7)} ${String(round(us / 1000)).padStart(8)} ms`),
    `each Layout, by ${slices} equal parts of the run (ms p50 / p95 / max, count):`,
  ];
  const layouts = complete.filter((event) => event.name === 'Layout');
  const span = (to - from) / slices;
  for (let part = 0; part < slices; part += 1) {
    const durations = layouts
      .filter((event) => event.ts >= from + part * span && event.ts < from + (part + 1) * span)
      .map((event) => (event.dur ?? 0) / 1000);
    const { p50, p95, max, count } = percentiles(durations);
    lines.push(`  part ${part + 1}: ${round(p50)} / ${round(p95)} / ${round(max)}  (${count})`);
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [file] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx bench/page-trace.ts <trace.json>');
  const trace = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  console.log(summarizeTrace(Array.isArray(trace) ? trace : trace.traceEvents));
}
