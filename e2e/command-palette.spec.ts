/**
 * The "/" command palette: it lists the commands and scenarios with what they
 * do, narrows as you type, and is driven by keyboard; a command the server
 * does not know gets a clear answer, never a docs search.
 */
import { expect, skipUnless, test } from './fixtures';

test.describe('command palette', () => {
  test('lists commands on "/", narrows as you type, and takes one with Enter', async ({ chat, page, capabilities }) => {
    // It picks "/scenario basic" from the list, which a deployment without scenarios does not offer.
    skipUnless(capabilities, 'scenarios');
    const palette = page.getByRole('listbox', { name: 'Commands' });
    await chat.composer.fill('');
    await chat.composer.pressSequentially('/');
    await expect(palette).toBeVisible();
    await expect(palette.getByRole('option', { name: /^\/help/ })).toBeVisible();
    await expect(chat.composer).toHaveAttribute('aria-activedescendant', /command-palette-option-0/);

    await chat.composer.pressSequentially('scenario ba');
    await expect(palette.getByRole('option')).toHaveCount(1);
    await expect(palette.getByRole('option')).toContainText('/scenario basic');
    await page.keyboard.press('Enter');
    await expect(chat.composer).toHaveValue('/scenario basic');
    await expect(palette).toBeHidden();

    await page.keyboard.press('Enter');
    await expect(page.locator('article[data-run-id]')).toHaveCount(1);
    const turn = await chat.lastTurn();
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
  });

  test('closes on Escape without stopping anything, and lets plain text through', async ({ chat, page }) => {
    const palette = page.getByRole('listbox', { name: 'Commands' });
    await chat.composer.pressSequentially('/he');
    await expect(palette).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(palette).toBeHidden();
    await expect(chat.composer).toHaveValue('/he');
    await chat.composer.fill('hello /help');
    await expect(palette).toBeHidden();
  });

  test('answers a command the server does not know with why, not a docs search', async ({ chat, capabilities }) => {
    // /help must list /scenario, a command only a server with scenarios has.
    skipUnless(capabilities, 'scenarios');
    const turn = await chat.send('/sceanrio basic');
    await expect(turn.root).toHaveAttribute('data-run-state', 'failed');
    await expect(turn.status).toHaveText('Failed: unknown command /sceanrio; /help lists the commands');
    const help = await chat.send('/help');
    await expect(help.root).toHaveAttribute('data-run-state', 'completed');
    await expect(help.answer).toContainText('/scenario <name> [params] — Runs a scripted scenario');
  });
});
