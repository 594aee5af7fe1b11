/**
 * The smaller things a chat page owes its users: one polite live region that
 * announces runs, turns named by who speaks, an avatar per agent, and a way
 * back to the latest message once scrolled up.
 */
import { expect, test } from './fixtures';

test.describe('page details', () => {
  test('announces each run in one polite live region, not one per turn', async ({ chat, page }) => {
    const first = await chat.send('hello');
    await expect(first.root).toHaveAttribute('data-run-state', 'completed');
    await expect(page.locator('#announcer')).toHaveText(/^Completed in /);
    const failed = await chat.send('/scenario agent-error');
    await expect(failed.root).toHaveAttribute('data-run-state', 'failed');
    await expect(page.locator('#announcer')).toHaveText('Failed: the model provider returned an error');
    // Every turn keeps its role=status (the public contract), silenced so that only the announcer speaks.
    await expect(page.getByRole('status')).toHaveCount(2);
    const politeRegions = await page.evaluate(
      () =>
        [...document.querySelectorAll('[aria-live], [role="status"], [role="log"]')].filter((node) => {
          // role=status and role=log are polite live regions unless aria-live says otherwise.
          const live = node.getAttribute('aria-live');
          return live ? live !== 'off' : true;
        }).length,
    );
    expect(politeRegions).toBe(1);
  });

  test('names each turn by who speaks in it, with an avatar per agent', async ({ chat, page }) => {
    const assistant = await chat.send('hello');
    await expect(assistant.root).toHaveAttribute('data-run-state', 'completed');
    const scenario = await chat.send('/scenario basic');
    await expect(scenario.root).toHaveAttribute('data-run-state', 'completed');
    await expect(page.getByRole('article', { name: 'You and assistant' })).toHaveCount(1);
    await expect(page.getByRole('article', { name: 'You and scenario' })).toHaveCount(1);
    const hueOf = (root: typeof assistant.root) =>
      root.locator('.agent-avatar').evaluate((node) => (node as HTMLElement).style.getPropertyValue('--avatar-hue'));
    await expect(assistant.root.locator('.agent-avatar')).toHaveText('A');
    await expect(scenario.root.locator('.agent-avatar')).toHaveText('S');
    expect(await hueOf(assistant.root)).not.toBe(await hueOf(scenario.root));
  });

  test('offers a jump to the latest message once scrolled up, and hides it at the bottom', async ({ chat, page }) => {
    await page.setViewportSize({ width: 800, height: 500 });
    for (const question of ['how do I run the tests?', 'which events does a run emit?']) {
      const turn = await chat.send(question);
      await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    }
    const jump = page.getByRole('button', { name: 'Jump to latest' });
    await expect(jump).toBeHidden();
    const log = page.getByRole('log', { name: 'Conversation' });
    await log.evaluate((node) => node.scrollTo({ top: 0 }));
    await expect(jump).toBeVisible();
    await jump.click();
    await expect(jump).toBeHidden();
    const gap = await log.evaluate((node) => node.scrollHeight - node.scrollTop - node.clientHeight);
    expect(gap).toBeLessThanOrEqual(1);
  });
});
