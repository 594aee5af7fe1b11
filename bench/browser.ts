/**
 * The page under load, in headless Chromium: 10,000 events streamed into the
 * page at 2,000 events/s (bench-stream) and as one burst (`/scenario burst`).
 * Measured in the page: render lag from frame arrival to DOM commit (the
 * page's own recorder, `__chatHarness.renderLag`), long tasks (> 50 ms,
 * PerformanceObserver 'longtask'), dropped frames (requestAnimationFrame gaps
 * while the run streams) and the JS heap after GC (CDP). The page is built
 * into a temporary folder, so web/dist is left alone. With BENCH_PAGE_TRACE=dir
 * each case also writes a Chromium trace there (read it with page-trace.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, resolveChromium } from '../harness/src/chromium';
import { PROJECT_ROOT } from '../server/config';
import { startTestServer } from '../server/testing/test-server';
import type { ChatHarnessHook } from '../web/src/test-hook';
import { type Percentiles, percentiles, progress, round } from './stats';

/** One display frame at 60 Hz; a rAF gap of n frames dropped n - 1. */
const FRAME_MS = 1000 / 60;

interface BrowserCase {
  label: string;
  events: number;
  /** Render lag (frame arrival → DOM commit) over every event of the run, ms. */
  renderLag: Omit<Percentiles, 'p99'>;
  /** Of the lag, p95 of the wait for the commit (lag − commit) and of the commit's own work, ms. */
  lagParts: { waitP95: number; commitP95: number };
  longTasks: { count: number; maxMs: number };
  droppedFrames: number;
  /** Frames the page received (deltas may arrive coalesced) and DOM commits it made. */
  framesReceived: number;
  renders: number;
  durationMs: number;
  /** JS heap after a forced GC once the run completed, MB. */
  jsHeapMb: number;
  violations: number;
}

export interface BrowserResult {
  chromium: string;
  cases: BrowserCase[];
}

interface PageProbe {
  longTasks: number[];
  frames: number[];
}

/**
 * Installed before the page's own scripts: long tasks and every animation
 * frame's timestamp. A string, because tsx would wrap named functions in a
 * helper (__name) that does not exist in the page.
 */
const PROBE_SCRIPT = `
  const probe = { longTasks: [], frames: [] };
  window.__benchProbe = probe;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  const onFrame = (at) => {
    probe.frames.push(at);
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
`;

declare global {
  interface Window {
    __benchProbe?: PageProbe;
  }
}

function buildPage(outDir: string): void {
  execFileSync(
    process.execPath,
    [
      path.join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      path.join(PROJECT_ROOT, 'web/vite.config.ts'),
      '--logLevel',
      'warn',
      '--outDir',
      outDir,
      '--emptyOutDir',
    ],
    { cwd: PROJECT_ROOT, stdio: 'inherit' },
  );
}

export async function measureBrowser(events: number): Promise<BrowserResult> {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-browser-'));
  const resolved = resolveChromium({ headless: true });
  if (resolved.source === 'none') throw new Error('no Chromium found (set CHROMIUM_PATH)');
  progress('browser', 'building the page');
  buildPage(path.join(work, 'dist'));
  const server = await startTestServer({ staticDir: path.join(work, 'dist'), journalPath: path.join(work, 'j.db') });
  const browser = await chromium.launch({
    headless: true,
    args: [...CHROMIUM_ARGS],
    ...(resolved.executablePath ? { executablePath: resolved.executablePath } : {}),
  });
  try {
    const cases: BrowserCase[] = [];
    for (const [label, text] of [
      [`${events} events at 2,000/s`, `/scenario bench-page count=${events} perSecond=2000`],
      [`${events} markdown events at 2,000/s`, `/scenario bench-markdown count=${events} perSecond=2000`],
      [`${events} events in one burst`, `/scenario burst ${events}`],
    ] as const) {
      const result = await runCase(browser, server.url, label, text, events);
      progress(
        'browser',
        `${label}: lag p95 ${result.renderLag.p95.toFixed(1)} ms, long tasks ${result.longTasks.count} (max ${result.longTasks.maxMs.toFixed(0)} ms), dropped frames ${result.droppedFrames}, heap ${result.jsHeapMb} MB`,
      );
      cases.push(result);
    }
    return { chromium: resolved.executablePath ?? 'playwright', cases };
  } finally {
    await browser.close();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Folder for one Chromium trace per case (devtools.timeline), or undefined: traces cost time of their own. */
const TRACE_DIR = process.env.BENCH_PAGE_TRACE;

async function runCase(
  browser: import('@playwright/test').Browser,
  url: string,
  label: string,
  text: string,
  events: number,
): Promise<BrowserCase> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(PROBE_SCRIPT);
  try {
    await page.goto(url);
    await page.locator('#send:enabled').waitFor();
    await page.locator('#message').fill(text);
    const startedAt = await page.evaluate(() => {
      const probe = window.__benchProbe as PageProbe;
      probe.longTasks = [];
      probe.frames = [];
      return performance.now();
    });
    if (TRACE_DIR) {
      const file = path.join(TRACE_DIR, `${label.replace(/[^a-z0-9]+/gi, '-')}.json`);
      await browser.startTracing(page, { path: file, categories: ['devtools.timeline', 'toplevel'] });
    }
    await page.locator('#send').click();
    await page.waitForFunction(() => (window.__chatHarness?.violations().length ?? 0) > 0, null, {
      timeout: 120_000,
      polling: 100,
    });
    const endedAt = await page.evaluate(() => performance.now());
    if (TRACE_DIR) await browser.stopTracing();
    // Two frames: the last commit is painted, and a long task that just ended has been reported.
    await page.evaluate(
      () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
    );
    const measured = await page.evaluate(
      ({ from, to }) => {
        const hook: ChatHarnessHook | undefined = window.__chatHarness;
        const probe = window.__benchProbe as PageProbe;
        if (!hook) throw new Error('the page has no test hook');
        const [run] = hook.violations();
        const entries = hook.renderLag(run?.runId).entries;
        return {
          lags: entries.map((entry) => entry.lagMs),
          waits: entries.map((entry) => entry.lagMs - entry.commitMs),
          commits: entries.map((entry) => entry.commitMs),
          violations: run?.violations.length ?? 1,
          stats: hook.stats(),
          longTasks: [...probe.longTasks],
          frames: probe.frames.filter((at) => at >= from && at <= to),
        };
      },
      { from: startedAt, to: endedAt },
    );
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    let dropped = 0;
    for (let i = 1; i < measured.frames.length; i += 1) {
      const gap = (measured.frames[i] ?? 0) - (measured.frames[i - 1] ?? 0);
      dropped += Math.max(0, Math.round(gap / FRAME_MS) - 1);
    }
    const { p50, p95, max, count } = percentiles(measured.lags);
    const longTasks = measured.longTasks.filter((duration) => duration > 50);
    return {
      label,
      events,
      renderLag: { count, p50: round(p50), p95: round(p95), max: round(max) },
      lagParts: {
        waitP95: round(percentiles(measured.waits).p95),
        commitP95: round(percentiles(measured.commits).p95),
      },
      longTasks: { count: longTasks.length, maxMs: round(Math.max(0, ...measured.longTasks)) },
      droppedFrames: dropped,
      framesReceived: measured.stats.framesReceived,
      renders: measured.stats.renders,
      durationMs: round(endedAt - startedAt),
      jsHeapMb: round(heap.usedSize / 1024 / 1024),
      violations: measured.violations,
    };
  } finally {
    await context.close();
  }
}
