/**
 * Self-test: a UI map the page cannot read must fail with its reason, never
 * record nothing and let every check pass on an empty history.
 */
import { type AgentRuns, chatPageUi, createHarness, ourProtocol, type UiMap } from '@agent-event-harness/playwright';
import type { BrowserContext } from '@playwright/test';
import { test as base, expect } from './fixtures';
import { ChatPage } from './fixtures/chat-page';

const test = base.extend<{ openWatchedBy: (ui: UiMap) => Promise<{ chat: ChatPage; runs: AgentRuns }> }>({
  openWatchedBy: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (ui) => {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      const runs = await createHarness({ protocol: ourProtocol(), ui }).watch(page);
      const chat = new ChatPage(page);
      await chat.open();
      return { chat, runs };
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});

test.describe('ui map', () => {
  test('should name a selector that is not CSS rather than record nothing', async ({ openWatchedBy }) => {
    // Playwright's :has-text is not CSS: querySelectorAll in the page throws on it.
    const { runs } = await openWatchedBy({ ...chatPageUi, busy: 'button:has-text("Stop")' });
    await expect(runs.events()).rejects.toThrow(
      /the harness stopped reading the page through its UI map: .*'button:has-text\("Stop"\)' is not a valid selector/,
    );
  });

  test('should read a page whose UI map is valid', async ({ openWatchedBy }) => {
    const { chat, runs } = await openWatchedBy(chatPageUi);
    const turn = await chat.send('hello');
    await expect.poll(async () => (await runs.events(turn.runId)).length).toBeGreaterThan(0);
  });
});
