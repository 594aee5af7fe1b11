/**
 * Tool cards: collapsed to a line, expandable by keyboard to the arguments and
 * the result as JSON, and calls of one tool told apart.
 */
import { expect, test } from './fixtures';

test.describe('tool cards', () => {
  test('expands a call by keyboard to its arguments and result, and collapses it again', async ({ chat, page }) => {
    const turn = await chat.send('/scenario parallel-tools');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    const calculator = turn.toolCall('t-3');
    const toggle = calculator.getByRole('button', { name: 'Details' });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(calculator.locator('.tool-details')).toBeHidden();

    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const details = calculator.getByRole('button', { name: 'Hide details' });
    await expect(details).toBeFocused();
    const blocks = calculator.locator('.tool-details-json');
    await expect(calculator.locator('.tool-details-label')).toHaveText(['Arguments', 'Result']);
    await expect(blocks.first()).toHaveText(JSON.stringify({ expression: '2 ^ 10' }, null, 2));
    await expect(blocks.nth(1)).toContainText('1024');

    await page.keyboard.press('Space');
    await expect(calculator.locator('.tool-details')).toBeHidden();
    await expect(calculator.getByRole('button', { name: 'Details' })).toHaveAttribute('aria-expanded', 'false');
  });

  test('numbers calls of the same tool so parallel ones can be told apart', async ({ chat }) => {
    const turn = await chat.send('/scenario parallel-tools');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(turn.toolCall('t-1').locator('.tool-ordinal')).toHaveText('#1');
    await expect(turn.toolCall('t-2').locator('.tool-ordinal')).toHaveText('#2');
    await expect(turn.toolCall('t-3').locator('.tool-ordinal')).toBeHidden();
  });
});
