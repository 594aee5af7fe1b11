/**
 * A quiet start: a first visit and a reload make no failed request and log no
 * console error, so neither a user's devtools nor a trace opens on red.
 */
import { expect, test } from './fixtures';
import { ChatPage } from './fixtures/chat-page';

test.describe('first load', () => {
  test('opens the chat with no failed request and no console error, first visit and reload', async ({
    page,
    capabilities,
  }) => {
    const failures: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400)
        failures.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(`console error: ${message.text()}`);
    });
    // Opened here, not by the chat fixture, so the listeners above see the very first load.
    const chat = new ChatPage(page, capabilities);
    await chat.open();
    await expect(page.locator('body')).toHaveAttribute('data-connection', 'open');
    await page.reload();
    await expect(page.locator('body')).toHaveAttribute('data-connection', 'open');
    expect(failures).toEqual([]);
  });
});

test.describe('content security policy', () => {
  test('runs the page, markdown and tool cards included, with no CSP violation', async ({ page, chat }) => {
    // The policy is sent by the server; anything the page did that it forbids would be reported here.
    const violations: string[] = [];
    page.on('console', (message) => {
      // Chromium and WebKit write "Content Security Policy", Firefox "Content-Security-Policy".
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
    });
    expect((await page.request.get('/')).headers()['content-security-policy']).toContain("script-src 'self'");
    const markdown = await chat.send('/scenario markdown');
    await expect(markdown.root).toHaveAttribute('data-run-state', 'completed');
    const tools = await chat.send('/scenario parallel-tools');
    await expect(tools.root).toHaveAttribute('data-run-state', 'completed');
    await tools.toolCall('t-1').getByRole('button', { name: 'Details' }).click();
    expect(violations).toEqual([]);
  });
});
