/**
 * No event loss: the page resumes its thread after a reload or a cut socket,
 * and shows every event exactly once.
 */
import type { WebSocketRoute } from '@playwright/test';
import { ChatPage, expect, test } from './fixtures';

test.describe('resume', () => {
  test('should show the thread history again after a reload', async ({ chat, page, agentFrames }) => {
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
    expect(agentFrames.events(turn.runId).filter((event) => event.type === 'agent_completed')).toHaveLength(2);
  });

  test('should show every event exactly once when the socket is cut mid-run, again and again', async ({
    page,
    agentFrames,
  }) => {
    const routes: WebSocketRoute[] = [];
    await page.routeWebSocket('**/ws', (route) => {
      route.connectToServer();
      routes.push(route);
    });
    const chat = new ChatPage(page);
    await chat.open();
    const cut = async () => {
      const route = routes.at(-1);
      const before = routes.length;
      await route?.close({ code: 4000, reason: 'test cut' });
      // The page reconnects by itself, with backoff.
      await expect.poll(() => routes.length).toBeGreaterThan(before);
      await expect(chat.sendButton.or(chat.stopButton).first()).toBeVisible();
    };

    const turn = await chat.send('/scenario long-thinking 800');
    const thoughtsReceived = () => agentFrames.events(turn.runId).filter((e) => e.type === 'agent_thinking').length;
    // Cut right after each of the first three thoughts arrives; later events happen while the page is away.
    for (const count of [1, 2, 3]) {
      await expect.poll(thoughtsReceived).toBeGreaterThanOrEqual(count);
      await cut();
    }
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(turn.toolCalls).toHaveCount(1);
    const completed = await agentFrames.completion(turn.runId);
    await expect(turn.answer).toHaveText(completed.payload.text ?? '');
    expect(routes.length).toBeGreaterThanOrEqual(4);
  });
});
