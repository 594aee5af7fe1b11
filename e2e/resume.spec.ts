/**
 * No event loss: the page resumes its thread after a reload or a cut socket,
 * and shows every event exactly once.
 */

import { checkRunLifecycle, formatViolations, isRunEvent, type RunEvent } from '@agent-event-harness/playwright';
import { ChatPage, expect, test } from './fixtures';
import { cuttableSockets, silenceFirstSocket } from './support/socket-faults';

test.describe('resume', () => {
  test('shows the thread history again after a reload', async ({ chat, page, agentRuns }) => {
    const turn = await chat.send('what is 6 * 7?');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    const answer = await turn.answer.textContent();

    await page.reload();
    const restored = chat.turn(turn.runId);
    await expect(restored.root).toHaveAttribute('data-run-state', 'completed');
    await expect(restored.root).toContainText('what is 6 * 7?');
    await expect(restored.answer).toHaveText(answer ?? '');
    await expect(restored.toolCalls).toHaveCount(1);
    await expect(chat.log.locator('article')).toHaveCount(1);
    // Both page loads received the run in full: the replay is a complete, valid stream too.
    expect((await agentRuns.events(turn.runId)).filter((event) => event.type === 'agent_completed')).toHaveLength(2);
  });

  test('shows every event exactly once when the socket is cut mid-run, again and again', async ({
    page,
    capabilities,
  }) => {
    const delivered: RunEvent[] = [];
    const sockets = await cuttableSockets(page, (frame) => {
      if (isRunEvent(frame)) delivered.push(frame);
    });
    // Opened here, not by the chat fixture, so the page's very first socket goes through the proxy.
    const chat = new ChatPage(page, capabilities);
    await chat.open();
    const cut = async () => {
      const before = sockets.count;
      await sockets.cutLatest();
      // The page reconnects by itself, with backoff.
      await expect.poll(() => sockets.count).toBeGreaterThan(before);
    };

    const turn = await chat.send('/scenario long-thinking 800');
    const thoughtsDelivered = () =>
      delivered.filter((e) => e.runId === turn.runId && e.type === 'agent_thinking').length;
    // Cut right after each of the first three thoughts arrives; later events happen while the page is away.
    for (const count of [1, 2, 3]) {
      await expect.poll(thoughtsDelivered).toBeGreaterThanOrEqual(count);
      await cut();
    }
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(turn.toolCalls).toHaveCount(1);
    const violations = checkRunLifecycle(delivered);
    expect(violations, formatViolations(violations)).toEqual([]);
    const completed = delivered.find((event) => event.type === 'agent_completed');
    await expect(turn.answer).toHaveText(completed?.type === 'agent_completed' ? (completed.payload.text ?? '') : '?');
    expect(sockets.count).toBeGreaterThanOrEqual(4);
  });

  test('shows every event exactly once when the server terminates the socket mid-run, again and again', async ({
    chat,
    page,
    agentRuns,
  }) => {
    const turn = await chat.send('/scenario long-thinking 800');
    const thoughtsReceived = async () =>
      (await agentRuns.events(turn.runId)).filter((e) => e.type === 'agent_thinking').length;
    for (const count of [1, 2, 3]) {
      await expect.poll(thoughtsReceived).toBeGreaterThanOrEqual(count);
      // Test-only endpoint (scenarios on): the server drops this user's sockets with terminate().
      // Retried until the page's (re)connected socket is there to be cut.
      const terminate = async () => (await (await page.request.post('/api/test/terminate-sockets')).json()).terminated;
      await expect.poll(terminate).toBe(1);
    }
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(turn.toolCalls).toHaveCount(1);
    const completed = await agentRuns.completion(turn.runId);
    await expect(turn.answer).toHaveText(completed.payload.text ?? '');
    // The lifecycle check after the test proves the stitched stream has no gap and no repeat.
  });

  test('shows a stalled connection, reconnects by itself and finishes the run', async ({
    page,
    renderHistory,
    capabilities,
  }) => {
    const delivered: RunEvent[] = [];
    let stalled = false;
    const connections = await silenceFirstSocket(page, {
      silent: () => stalled,
      delivered: (frame) => {
        if (isRunEvent(frame)) delivered.push(frame);
      },
    });
    // Routed sockets connect slowly on a busy machine: a threshold that waits out the first pong.
    const chat = new ChatPage(page, capabilities);
    await chat.open({ query: { stallTimeoutMs: 2_000 } });

    // Long enough that it is still running when the socket goes silent, however busy the machine.
    const turn = await chat.send('/scenario slow-tool 5000');
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'running');
    stalled = true;
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(page.locator('#connection-banner')).toBeHidden();
    // The stall was shown to the user (briefly: the reconnect is quick), then cleared.
    const banner = await renderHistory.banner();
    expect(banner.slice(banner.indexOf('Connection lost, reconnecting…'))).toEqual([
      'Connection lost, reconnecting…',
      '',
    ]);
    expect(connections()).toBeGreaterThanOrEqual(2);

    const violations = checkRunLifecycle(delivered);
    expect(violations, formatViolations(violations)).toEqual([]);
    const completed = delivered.find((event) => event.type === 'agent_completed');
    await expect(turn.answer).toHaveText(completed?.type === 'agent_completed' ? (completed.payload.text ?? '') : '?');
    await expect(turn.toolCalls).toHaveCount(1);
  });
});
