/**
 * A server that dies mid-run: when it comes back, the page reconnects and
 * shows the run as "Interrupted", never an endless spinner.
 */
import { ChatPage, expect, test } from './fixtures';
import { ServerProcess } from './support/server-process';

test.describe('restart', () => {
  test('should show a run cut short by a crash as interrupted once the server is back', async ({
    page,
    agentEvents,
  }) => {
    const server = await ServerProcess.create();
    await server.start();
    try {
      await page.goto(server.url);
      const chat = new ChatPage(page);
      await expect(chat.sendButton).toBeEnabled();
      const turn = await chat.send('/scenario slow-tool 60000');
      await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'running');

      await server.crash();
      await expect(page.locator('#connection-banner')).toHaveText('Connection lost, reconnecting…');
      await server.start();

      await expect(turn.root).toHaveAttribute('data-run-state', 'interrupted');
      await expect(turn.status).toHaveText('Interrupted: the server restarted before the run finished');
      await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'error');
      await expect(page.locator('#connection-banner')).toBeHidden();
      await expect(chat.sendButton).toBeEnabled();
      const completed = await agentEvents.completion(turn.runId);
      expect(completed.payload.status).toBe('interrupted');
    } finally {
      await server.stop();
    }
  });
});
