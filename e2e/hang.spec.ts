/**
 * A hung backend: the socket stays open and says nothing, and a frozen peer
 * never answers a close handshake. The page must show the stall at once,
 * reconnect on its own, and pick the run up again when the server is back.
 */
import { expect, test } from './fixtures';
import { silenceFirstSocket } from './support/socket-faults';
import { scaled } from './support/timeouts';

test.describe('hung backend', () => {
  // A server process of the test's own starts, and may restart, within each test.
  test.describe.configure({ timeout: scaled(60_000) });

  test('shows the stall at once when the server process freezes mid-run, and recovers when it thaws', async ({
    chat,
    appServer,
    page,
  }) => {
    const server = await appServer();
    await chat.open({ base: server.url, query: { stallTimeoutMs: 1_000 } });
    const turn = await chat.send('/scenario slow-tool 20000');
    const tool = turn.toolCall('t-1');
    await expect(tool.getByRole('progressbar')).toBeVisible();

    server.freeze(); // SIGSTOP: a real hung process, not a simulated one
    await expect(chat.banner).toHaveText('Connection lost, reconnecting…');
    await expect(tool).toHaveAttribute('data-state', 'running');
    await expect(page).toNeverLookFrozen({ maxSilenceMs: 3_000 });

    server.thaw();
    await expect(chat.banner).toBeHidden();
    // The run went on while the page was away: it resumes from its last seq and follows it live again.
    const progress = await tool.getByRole('progressbar').getAttribute('aria-valuenow');
    await expect(tool.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow', progress ?? '');
    await chat.stop();
    await expect(turn).toCompleteRun({ status: 'cancelled' });
    await expect(page).toNeverLookFrozen({ maxSilenceMs: 3_000 });
  });

  test('shows the stall when a silent socket never answers the close handshake', async ({
    chat,
    page,
    renderHistory,
  }) => {
    let frozen = false;
    // Like a frozen peer, the first socket never answers the page's close: no close event ever fires there.
    const connections = await silenceFirstSocket(page, { silent: () => frozen, answersClose: false });
    // Routed sockets connect slowly on a busy machine: a threshold that waits out the first pong.
    await chat.open({ query: { stallTimeoutMs: 2_000 } });
    const turn = await chat.send('/scenario slow-tool 20000');
    const tool = turn.toolCall('t-1');
    await expect(tool).toHaveAttribute('data-state', 'running');
    frozen = true;
    // The banner may show only while the page reconnects: the render history proves it was drawn.
    await expect.poll(() => renderHistory.banner()).toContain('Connection lost, reconnecting…');
    await expect(chat.banner).toBeHidden();
    expect(connections()).toBeGreaterThanOrEqual(2);
    // Following the run live again on the new socket.
    const progress = await tool.getByRole('progressbar').getAttribute('aria-valuenow');
    await expect(tool.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow', progress ?? '');
    await chat.stop();
    await expect(turn).toCompleteRun({ status: 'cancelled' });
    await expect(page).toNeverLookFrozen({ maxSilenceMs: 4_000 });
  });
});
