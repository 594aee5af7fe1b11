/**
 * A quiet start: a first visit and a reload make no failed request and log no
 * console error, so neither a user's devtools nor a trace opens on red.
 */
import { expect, test } from './fixtures';
import { ChatPage } from './fixtures/chat-page';

test.describe('first load', () => {
  test('should open the chat with no failed request and no console error, first visit and reload', async ({ page }) => {
    const failures: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400)
        failures.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(`console error: ${message.text()}`);
    });
    const chat = new ChatPage(page);
    await chat.open();
    await expect(page.locator('body')).toHaveAttribute('data-connection', 'open');
    await page.reload();
    await expect(page.locator('body')).toHaveAttribute('data-connection', 'open');
    expect(failures).toEqual([]);
  });
});
