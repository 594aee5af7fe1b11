/**
 * The e2e suite: starts the app (built page + server with scenarios) on
 * 127.0.0.1 and runs the specs in e2e/ in Chromium, and in Firefox and WebKit
 * too when E2E_BROWSERS names them. `--grep @mission-critical` runs the
 * deployment-blocking subset. With BASE_URL set (staging mode) it runs
 * against that deployment instead and starts nothing; tests that need scenarios
 * skip, with the reason, when the deployment has them off.
 */

import { chromiumLaunchOptions } from '@agent-event-harness/playwright';
import { defineConfig, devices, type Project } from '@playwright/test';
import { TEST_PAGE_DIR } from './e2e/support/test-page';
import { scaled } from './e2e/support/timeouts';

/** Port of the app under test; distinct from `npm start`'s 3000 so both can run. */
const port = Number(process.env.E2E_PORT ?? 3100);
const stagingURL = process.env.BASE_URL;
const baseURL = stagingURL ?? `http://127.0.0.1:${port}`;

/**
 * One project per browser. Chromium is the one resolveChromium finds (CHROMIUM_PATH, Playwright's, or the
 * system's); Firefox and WebKit are Playwright's own (`npx playwright install firefox webkit`).
 */
const browserProjects: Record<string, () => Project> = {
  chromium: () => ({ name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions: chromiumLaunchOptions() } }),
  firefox: () => ({ name: 'firefox', use: { ...devices['Desktop Firefox'] } }),
  webkit: () => ({ name: 'webkit', use: { ...devices['Desktop Safari'] } }),
};

/** E2E_BROWSERS: a comma-separated list of browsers to run, `chromium` when unset (the nightly adds the others). */
function selectedProjects(list = process.env.E2E_BROWSERS || 'chromium'): Project[] {
  const names = [...new Set(list.split(',').map((name) => name.trim().toLowerCase()))].filter(Boolean);
  const unknown = names.filter((name) => !(name in browserProjects));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`E2E_BROWSERS=${list}: name one or more of ${Object.keys(browserProjects).join(', ')}`);
  }
  return names.map((name) => (browserProjects[name] as () => Project)());
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // Tests mostly wait on scripted runs, so two workers fit even a 2-core machine.
  workers: process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) : 2,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  // Both scale with E2E_TIMEOUT_SCALE (e2e/support/timeouts.ts), as does every explicit timeout in a spec.
  timeout: scaled(30_000),
  expect: { timeout: scaled(10_000) },
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: selectedProjects(),
  webServer: stagingURL
    ? undefined
    : {
        // The harness build: the page with its fault switches, for the self-tests that break it on purpose.
        command: 'npm run build:test-page && npm run serve',
        url: `${baseURL}/healthz`,
        reuseExistingServer: !process.env.CI,
        timeout: 120_000,
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          AGENT_SCENARIOS: '1',
          AGENT_FAULTS: '1',
          LOG_LEVEL: 'warn',
          AGENT_PACE_MS: '30',
          JOURNAL_PATH: ':memory:',
          // Every test's browser context is a new guest from 127.0.0.1.
          SESSIONS_PER_MINUTE: '100000',
          MAX_SOCKETS_PER_ADDRESS: '100000',
          STATIC_DIR: TEST_PAGE_DIR,
          // Blank is unset: the suite's shared server runs the deterministic agent, whatever the shell says.
          LLM_BASE_URL: '',
          LLM_API_KEY: '',
          LLM_MODEL: '',
        },
      },
});
