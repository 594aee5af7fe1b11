/**
 * `npm run validate`: the deploy gate, in a few seconds. One server process
 * and one browser, started side by side, serve every browser check, run in
 * parallel; the crash check runs its own server beside them. It proves that
 * the five required events are sent and drawn, and guards the deploy-blocking
 * regressions: a second message in a thread, a frame delivered twice, a socket
 * that goes silent mid-run (reconnect and resume), a crash and restart. The
 * page is rebuilt only when its sources are newer than web/dist. Prints each
 * check's time and the total; exits 1 when any check failed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { scaled } from '../e2e/support/timeouts';
import { PROJECT_ROOT } from '../server/config';
import { ServerProcess } from '../server/testing/server-process';
import { type CheckResult, timed, within } from './validate/check';
import { crashCheck, SERVER_ENTRY, SERVER_ENV } from './validate/crash-check';

/** The browser side, a bundle of its own (see launch.mjs): loading Playwright must not hold up the servers' start. */
type BrowserSide = typeof import('./validate/browser-checks');
const BROWSER_BUNDLE = new URL('./browser-checks.mjs', import.meta.url).href;

// performance.now() counts from the process start: the total includes starting Node and loading this bundle.
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(2)} s`;

/** Newest modification time under `paths` (files or folders), in ms. */
function newestMtime(paths: readonly string[]): number {
  let newest = 0;
  for (const entry of paths) {
    if (!existsSync(entry)) continue;
    const stat = statSync(entry);
    if (stat.isDirectory()) {
      const children = readdirSync(entry).map((child) => path.join(entry, child));
      newest = Math.max(newest, newestMtime(children));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  }
  return newest;
}

/** Builds web/dist unless it is newer than everything it is built from. */
function ensurePageBuilt(): void {
  const built = path.join(PROJECT_ROOT, 'web', 'dist', 'index.html');
  const sources = ['web/src', 'web/index.html', 'web/vite.config.ts', 'protocol', 'package-lock.json'];
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  if (builtAt > newestMtime(sources.map((source) => path.join(PROJECT_ROOT, source)))) return;
  const buildStartedAt = performance.now();
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  console.log(`validate: built the page (web/dist was older than its sources) in ${seconds(buildStartedAt)}`);
}

function report(results: readonly CheckResult[]): number {
  for (const { check, error, seconds: time } of results) {
    console.log(`${error ? '✘' : '✓'} ${check.name} (${time.toFixed(2)} s)`);
    if (error) console.log(`  ${String(error instanceof Error ? error.message : error).replaceAll('\n', '\n  ')}`);
  }
  const failed = results.filter((result) => result.error).length;
  const verdict = failed ? `${failed} of ${results.length} checks FAILED` : `${results.length} checks passed`;
  console.log(`validate: ${verdict} in ${seconds(0)} (process start included)`);
  return failed ? 1 : 0;
}

/** Longest wait for a server to come up before the validation fails (a hang guard). */
const START_MS = scaled(30_000);

async function main(): Promise<number> {
  ensurePageBuilt();
  // Both servers boot while this process loads Playwright.
  const crash = timed(crashCheck());
  const starting = ServerProcess.start({ env: { ...SERVER_ENV, JOURNAL_PATH: ':memory:' }, entry: SERVER_ENTRY });
  const browserSide = (await import(BROWSER_BUNDLE)) as BrowserSide;
  const [server, browser] = await Promise.allSettled([
    within(starting, START_MS, 'the server to start'),
    browserSide.launchBrowser(),
  ]);
  try {
    if (server.status === 'rejected') throw server.reason;
    if (browser.status === 'rejected') throw browser.reason;
    return report(await Promise.all([...browserSide.browserChecks(browser.value, server.value.url).map(timed), crash]));
  } finally {
    if (browser.status === 'fulfilled') await browser.value.close();
    await starting.then((started) => started.stop()).catch(() => {});
    await crash; // its own servers are stopped by then
  }
}

// Stopped (Ctrl-C, or npm test's stages stopped): no server process may outlive this one.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    ServerProcess.killAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

process.exitCode = await main();
