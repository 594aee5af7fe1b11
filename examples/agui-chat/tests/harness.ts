/**
 * The harness, pointed at this page: AG-UI over SSE, and where the page draws
 * a run (found by reading the page as a user sees it, not from hooks in it).
 */
import { aguiProtocol, createHarness, type UiMap } from '@agent-event-harness/playwright';
import type { Page } from '@playwright/test';

const ui: UiMap = {
  turn: '.message.assistant',
  answer: '.answer',
  thought: '.reasoning-text',
  toolCall: '.tool-call',
  toolName: '.tool-name',
  toolArgs: '.tool-args',
  toolState: {
    selectors: { running: '.tool-call.is-running', success: '.tool-call.is-done', error: '.tool-call.is-error' },
  },
  turnState: {
    selectors: {
      running: '.assistant.is-running',
      completed: '.assistant.is-done',
      failed: '.assistant.is-error',
      cancelled: '.assistant.is-stopped',
    },
  },
  busy: 'button.stop',
  composer: { input: 'textarea[name="message"]', send: 'button[type="submit"]', stop: 'button.stop' },
};

export const { test, expect } = createHarness({ protocol: aguiProtocol(), ui });

/** The example server's TEST-ONLY stream faults (server/test-faults.ts). */
export type TestFault = 'no-terminal' | 'tool-never-ends' | 'replay-message' | 'finish-after-error';

/** Makes the page's next agent requests ask the server for `fault`: a request header, added on the way out. */
export async function injectServerFault(page: Page, fault: TestFault): Promise<void> {
  await page.route('**/api/agui', (route) =>
    route.continue({ headers: { ...route.request().headers(), 'x-test-fault': fault } }),
  );
}
