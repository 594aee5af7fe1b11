/**
 * The example's e2e suite: the LLM mock (aimock, scripted by
 * mock-fixtures.json) and the app (built page + server) start as two
 * webServer processes on 127.0.0.1, on AI_SDK_CHAT_PORT and
 * AI_SDK_CHAT_MOCK_PORT or ports free at start, and the specs in tests/ run
 * in the Chromium this machine has.
 */
import { execFileSync } from 'node:child_process';
import { chromiumLaunchOptions } from '@agent-event-harness/playwright';
import { defineConfig, devices } from '@playwright/test';

/** A port free a moment ago. Synchronous, because the config is; set in the env, so the workers see the same. */
function freePort(): string {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
}

process.env.AI_SDK_CHAT_PORT ??= freePort();
process.env.AI_SDK_CHAT_MOCK_PORT ??= freePort();
const appURL = `http://127.0.0.1:${process.env.AI_SDK_CHAT_PORT}`;
const mockURL = `http://127.0.0.1:${process.env.AI_SDK_CHAT_MOCK_PORT}`;

export default defineConfig({
  testDir: 'tests',
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) : 2,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  outputDir: 'test-results',
  expect: { timeout: 10_000 },
  use: {
    baseURL: appURL,
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions(),
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: [
    {
      command: `npm run mock -- -p ${process.env.AI_SDK_CHAT_MOCK_PORT}`,
      url: `${mockURL}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: 'npm run build && npm run serve',
      url: `${appURL}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        PORT: String(process.env.AI_SDK_CHAT_PORT),
        HOST: '127.0.0.1',
        LLM_BASE_URL: `${mockURL}/v1`,
        LLM_API_KEY: 'mock',
        LLM_MODEL: 'mock-model',
      },
    },
  ],
});
