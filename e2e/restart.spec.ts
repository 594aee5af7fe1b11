/**
 * A server that stops mid-run, as `npm start` runs it (no SESSION_SECRET):
 * after a crash the page reconnects as the same user and shows the run as
 * interrupted; a clean shutdown delivers the run's end before closing.
 * Never an endless spinner.
 */
import { expect, test } from './fixtures';
import { scaled } from './support/timeouts';

test.describe('restart', () => {
  // A server process of the test's own starts, and may restart, within each test.
  test.describe.configure({ timeout: scaled(60_000) });

  test('shows a run cut short by a crash as interrupted once the server is back', async ({
    chat,
    appServer,
    agentRuns,
    page,
  }) => {
    const server = await appServer();
    await chat.open({ base: server.url });
    const turn = await chat.send('/scenario slow-tool 60000');
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'running');

    await server.crash();
    await expect(chat.banner).toHaveText('Connection lost, reconnecting…');
    await server.start();

    await expect(turn).toCompleteRun({ status: 'interrupted' });
    await expect(turn.status).toHaveText('Interrupted: the server restarted before the run finished');
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'error');
    await expect(chat.banner).toBeHidden();
    await expect(chat.sendButton).toBeEnabled();
    const completed = await agentRuns.completion(turn.runId);
    expect(completed.payload.status).toBe('interrupted');

    // The session outlived the restart, so the thread is still this user's after a reload too.
    await page.reload();
    await expect(chat.turn(turn.runId)).toCompleteRun({ status: 'interrupted' });
    await expect(chat.log.locator('article')).toHaveCount(1);
  });

  test('delivers a run’s end before closing the socket on a clean shutdown', async ({ chat, appServer, agentRuns }) => {
    const server = await appServer();
    await chat.open({ base: server.url });
    const turn = await chat.send('/scenario slow-tool 60000');
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'running');

    await server.stop(); // SIGTERM
    await expect(turn).toCompleteRun({ status: 'cancelled' });
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'error');
    await expect(chat.banner).toHaveText('Connection lost, reconnecting…');
    expect((await agentRuns.completion(turn.runId)).payload.status).toBe('cancelled');
  });
});
