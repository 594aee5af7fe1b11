/**
 * Visual snapshots of the page's key states, in light, dark and on a phone
 * (`toHaveScreenshot`, baselines beside this file). What changes from run to
 * run (durations, elapsed times) is given a fixed width (support/visual-stable.css) and masked. `npm run docs:screenshots` also
 * writes each state, unmasked, to docs/screenshots/ for the README.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, skipUnless, test } from './fixtures';
import type { ServerCapabilities } from './fixtures/capabilities';
import type { ChatPage } from './fixtures/chat-page';

const STABLE_CSS = fileURLToPath(new URL('./support/visual-stable.css', import.meta.url));
const DYNAMIC = ['.run-status', '.run-elapsed', '.tool-detail', '.reasoning-summary', '.thread-meta'];

interface State {
  name: string;
  /** Brings the page to the state; what it returns is stopped after the snapshot, if it still runs. */
  reach(chat: ChatPage, page: Page): Promise<void>;
  /** Server switches the state needs beyond what its messages ask for (those skip as they are sent). */
  needs?: (keyof ServerCapabilities)[];
}

const states: State[] = [
  { name: 'empty', reach: async (chat) => expect(chat.composer).toBeEditable() },
  {
    name: 'running',
    async reach(chat) {
      const turn = await chat.send('/scenario long-thinking 10000');
      await expect(turn.thoughts).toHaveCount(1);
    },
  },
  {
    name: 'tools',
    async reach(chat) {
      const turn = await chat.send('/scenario parallel-tools');
      await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
      await turn.toolCall('t-3').getByRole('button', { name: 'Details' }).click();
    },
  },
  {
    name: 'markdown',
    async reach(chat) {
      const turn = await chat.send('/scenario markdown');
      await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    },
  },
  {
    name: 'failed',
    async reach(chat) {
      const turn = await chat.send('/scenario agent-error');
      await expect(turn.root.locator('.run-outcome')).toBeVisible();
    },
  },
  {
    name: 'commands',
    // The palette lists the scenarios, as the baseline shows them.
    needs: ['scenarios'],
    async reach(chat, page) {
      await chat.composer.pressSequentially('/');
      await expect(page.getByRole('listbox', { name: 'Commands' })).toBeVisible();
    },
  },
  {
    name: 'chats',
    async reach(chat, page) {
      const turn = await chat.send('what is 2 + 3?');
      await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
      await page.getByRole('button', { name: 'Chats' }).click();
      await expect(page.getByRole('navigation', { name: 'Past chats' }).getByRole('button')).toHaveCount(1);
    },
  },
];

const looks = [
  { look: 'light', use: {} },
  { look: 'dark', use: { colorScheme: 'dark' as const } },
  { look: 'phone', use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
];

// The snapshot-only style sheet is injected into the page, which the page's CSP (style-src 'self') refuses;
// the policy itself is tested in first-load.spec.ts.
test.use({ bypassCSP: true });
// The baselines are Chromium's screenshots (*-chromium-linux.png): another engine draws text and edges its own
// way, so it is compared only once it has baselines of its own.
test.skip(({ browserName }) => browserName !== 'chromium', 'the visual baselines are recorded in Chromium only');

for (const { look, use } of looks) {
  test.describe(`visual: ${look}`, () => {
    test.use(use);
    for (const state of states) {
      test(`looks as it did: ${state.name}`, async ({ chat, page, capabilities }) => {
        skipUnless(capabilities, ...(state.needs ?? []));
        await state.reach(chat, page);
        if (process.env.UPDATE_DOCS_SCREENSHOTS) {
          await page.screenshot({ path: `docs/screenshots/${state.name}-${look}.png`, animations: 'disabled' });
        }
        await expect(page).toHaveScreenshot(`${state.name}-${look}.png`, {
          mask: DYNAMIC.map((selector) => page.locator(selector)),
          stylePath: STABLE_CSS,
          // Same machine, same Chromium: antialiasing may move a few pixels, a changed colour or layout moves hundreds.
          maxDiffPixels: 50,
        });
        if (await chat.stopButton.isVisible()) await chat.stop();
        await expect(chat.stopButton).toBeHidden();
      });
    }
  });
}
