/**
 * The example's e2e suite: Playwright starts the LLM mock (aimock, scripted by
 * mock-fixtures.json) and the example (built page + server, with its TEST-ONLY
 * fault switch on), both on 127.0.0.1, then runs tests/ in the Chromium the
 * harness finds on this machine.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions } from '@agent-event-harness/playwright';
import { defineConfig, devices } from '@playwright/test';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Ports of their own, so the suite runs beside `npm start` (3200 / 4010) and other examples. */
const port = Number(process.env.AGUI_E2E_PORT ?? 3231);
const mockPort = Number(process.env.AGUI_E2E_MOCK_PORT ?? 4231);
const mockCli = path.join(path.dirname(createRequire(import.meta.url).resolve('@copilotkit/aimock')), 'cli.js');

export default defineConfig({
  testDir: path.join(here, 'tests'),
  testMatch: '**/*.spec.ts',
  outputDir: path.join(here, 'test-results'),
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 2,
  reporter: [['list'], ['html', { open: 'never', outputFolder: path.join(here, 'playwright-report') }]],
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions(),
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: [
    {
      command: `node ${JSON.stringify(mockCli)} -p ${mockPort} -h 127.0.0.1 -f mock-fixtures.json --log-level warn`,
      cwd: here,
      url: `http://127.0.0.1:${mockPort}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: 'npm run start',
      cwd: here,
      url: `http://127.0.0.1:${port}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        LLM_BASE_URL: `http://127.0.0.1:${mockPort}/v1`,
        LLM_API_KEY: 'mock-key',
        LLM_MODEL: 'mock-model',
        // TEST ONLY: lets a test pick a stream fault with the x-test-fault header (server/test-faults.ts).
        AGUI_TEST_FAULTS: '1',
        LOOKUP_DELAY_MS: '1500',
      },
    },
  ],
});
