/**
 * Past chats: the list of the user's threads, titled by their first message;
 * picking one brings its conversation back, and so does a reload after that.
 */
import { expect, test } from './fixtures';

test.describe('threads', () => {
  test('lists past chats, switches to one, and keeps it after a reload', async ({ chat, page }) => {
    const first = await chat.send('what is 2 + 3?');
    await expect(first.answer).toHaveText('2 + 3 = 5');
    await chat.newChat();
    const second = await chat.send('hello');
    await expect(second.root).toHaveAttribute('data-run-state', 'completed');

    const toggle = page.getByRole('button', { name: 'Chats' });
    const list = page.getByRole('navigation', { name: 'Past chats' });
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const entries = list.getByRole('button');
    await expect(entries.locator('.thread-title')).toHaveText(['hello', 'what is 2 + 3?']);
    await expect(entries.first()).toHaveAttribute('aria-current', 'true');

    await entries.nth(1).click();
    await expect(list).toBeHidden();
    await expect(chat.turn(first.runId).answer).toHaveText('2 + 3 = 5');
    await expect(page.locator('article')).toHaveCount(1);

    await page.reload();
    await expect(chat.turn(first.runId).answer).toHaveText('2 + 3 = 5');
    await toggle.click();
    await expect(list.getByRole('button', { name: /what is 2 \+ 3\?/ })).toHaveAttribute('aria-current', 'true');
    await page.keyboard.press('Escape');
    await expect(list).toBeHidden();

    const followUp = await chat.send('and 4 * 5?');
    await expect(followUp.root).toHaveAttribute('data-run-state', 'completed');
    await expect(page.locator('article')).toHaveCount(2);
  });
});
