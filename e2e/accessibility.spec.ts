/**
 * axe (@axe-core/playwright, WCAG 2.1 A and AA rules) finds no serious or
 * critical violation in any state of the page: empty, running, completed with
 * tools, markdown and reasoning open, failed, the command palette, past chats,
 * in dark mode and on a phone.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { ChatPage } from './fixtures/chat-page';

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id} (${violation.impact}): ${node.target.join(' ')}: ${node.failureSummary}`,
      ),
    );
}

async function completedWithEverything(chat: ChatPage) {
  const tools = await chat.send('/scenario parallel-tools');
  await expect(tools.root).toHaveAttribute('data-run-state', 'completed');
  await tools.toolCall('t-3').getByRole('button', { name: 'Details' }).click();
  const formatted = await chat.send('/scenario markdown');
  await expect(formatted.root).toHaveAttribute('data-run-state', 'completed');
  await formatted.reasoningSummary.click();
  const failed = await chat.send('/scenario agent-error');
  await expect(failed.root).toHaveAttribute('data-run-state', 'failed');
}

test.describe('accessibility', () => {
  test('has no serious violation on the empty page', async ({ chat, page }) => {
    await expect(chat.composer).toBeEditable();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('has no serious violation while a run goes', async ({ chat, page }) => {
    const turn = await chat.send('/scenario long-thinking 800');
    await expect(turn.reasoningSummary).toHaveText('Thinking…');
    expect(await seriousViolations(page)).toEqual([]);
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
  });

  test('has no serious violation with tools, markdown, reasoning and a failure on screen', async ({ chat, page }) => {
    await completedWithEverything(chat);
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('has no serious violation with the command palette and past chats open', async ({ chat, page }) => {
    const turn = await chat.send('hello');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await page.getByRole('button', { name: 'Chats' }).click();
    await expect(page.getByRole('navigation', { name: 'Past chats' }).getByRole('button')).toHaveCount(1);
    expect(await seriousViolations(page)).toEqual([]);
    await chat.composer.pressSequentially('/');
    await expect(page.getByRole('listbox', { name: 'Commands' })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test.describe('dark mode', () => {
    test.use({ colorScheme: 'dark' });
    test('has no serious violation with everything on screen', async ({ chat, page }) => {
      await completedWithEverything(chat);
      expect(await seriousViolations(page)).toEqual([]);
    });
  });

  test.describe('phone', () => {
    test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    test('has no serious violation with everything on screen', async ({ chat, page }) => {
      await completedWithEverything(chat);
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
});
