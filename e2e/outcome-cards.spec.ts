/**
 * A run that does not complete ends in a card that says what happened, and
 * Retry sends the same message again as a new run.
 */
import { expect, test } from './fixtures';

test.describe('outcome cards', () => {
  test('ends a failed run in a card with its reason, and retries it as a new run', async ({ chat, page }) => {
    const failed = await chat.send('/scenario agent-error');
    await expect(failed.root).toHaveAttribute('data-run-state', 'failed');
    const card = failed.root.locator('.run-outcome');
    await expect(card.locator('.run-outcome-title')).toHaveText('This run failed');
    await expect(card.locator('.run-outcome-reason')).toHaveText('the model provider returned an error');

    await card.getByRole('button', { name: 'Retry' }).click();
    const turns = page.getByRole('log', { name: 'Conversation' }).locator('article');
    await expect(turns).toHaveCount(2);
    await expect(turns.nth(1).locator('.user-message')).toHaveText('/scenario agent-error');
    await expect(turns.nth(1)).toHaveAttribute('data-run-state', 'failed');
    await expect(turns.nth(1)).not.toHaveAttribute('data-run-id', failed.runId);
    await expect(chat.composer).toBeFocused();
  });

  test('ends a stopped run in a card, and shows none for a run that completed', async ({ chat }) => {
    const stopped = await chat.send('/scenario slow-stream 4000');
    await expect(stopped.answer).not.toBeEmpty();
    await chat.stop();
    await expect(stopped.root).toHaveAttribute('data-run-state', 'cancelled');
    await expect(stopped.root.locator('.run-outcome-title')).toHaveText('You stopped this run');
    await expect(stopped.root.getByRole('button', { name: 'Retry' })).toBeEnabled();

    const completed = await chat.send('hello');
    await expect(completed.root).toHaveAttribute('data-run-state', 'completed');
    await expect(completed.root.locator('.run-outcome')).toHaveCount(0);
  });
});
