/**
 * The thought trail folds away once the run ends, so a long conversation is
 * not a wall of "1/3 Reading your message…": open while the agent works, then
 * "Thought for 1.2 s", one click or Enter from the whole trail.
 */
import { expect, test } from './fixtures';

test.describe('reasoning', () => {
  test('shows the thoughts while the run goes, then folds them under how long it thought', async ({ chat, page }) => {
    const turn = await chat.send('/scenario long-thinking 800');
    await expect(turn.reasoningSummary).toHaveText('Thinking…');
    await expect(turn.thoughts.first()).toBeVisible();

    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(turn.reasoningSummary).toHaveText(/^Thought for (\d+ ms|\d+\.\d s)$/);
    await expect(turn.thoughts.first()).toBeHidden();

    await turn.reasoningSummary.focus();
    await page.keyboard.press('Enter');
    await expect(turn.thoughts.first()).toBeVisible();
  });
});
