/**
 * Makes sure a Chromium is available before the e2e suite runs: Playwright's
 * download where possible, else Debian's `chromium` via apt when root, else
 * instructions. Exits non-zero only when no browser can be had.
 */
import { spawnSync } from 'node:child_process';
import { resolveChromium } from '../harness/src/chromium';
import { runCommand } from './run-command';

function describeBrowser(): string | undefined {
  const found = resolveChromium();
  if (found.source === 'none') return undefined;
  return found.executablePath ? `${found.executablePath} (${found.source})` : "Playwright's own Chromium";
}

const run = (command: string, args: string[]) => runCommand('ensure-browser', command, args);

function ensure(): string | undefined {
  const existing = describeBrowser();
  if (existing) return existing;

  if (run('npx', ['playwright', 'install', 'chromium'])) {
    const installed = describeBrowser();
    if (installed) return installed;
  }
  console.log("ensure-browser: Playwright's download is not available; trying the system package manager.");

  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt && run('apt-get', ['update', '-qq'])) {
    // The headless shell makes headless runs fast; full chromium serves --headed and --ui.
    const installed =
      run('apt-get', ['install', '-y', '-qq', 'chromium', 'chromium-headless-shell']) ||
      run('apt-get', ['install', '-y', '-qq', 'chromium']);
    if (installed) return describeBrowser();
  }
  return undefined;
}

const browser = ensure();
if (browser) {
  console.log(`ensure-browser: using ${browser}`);
} else {
  console.error(`ensure-browser: no Chromium found. Install one of:
  - Playwright's browser:   npx playwright install chromium
  - Debian/Ubuntu:          sudo apt-get install chromium
  - any Chromium or Chrome: set CHROMIUM_PATH=/path/to/chrome
then run the tests again.`);
  process.exit(1);
}
