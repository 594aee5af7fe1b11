/**
 * Untrusted text stays text: HTML from the agent, a tool or the user renders
 * literally and runs nothing, and Unicode round-trips intact.
 */
import { expect, test } from './fixtures';

const xssMarker = () => (window as unknown as { __xss?: string }).__xss;

test.describe('hostile text', () => {
  test('renders HTML in a thought, a tool error and the answer as literal text, running no script', async ({
    chat,
    page,
    agentRuns,
  }) => {
    const turn = await chat.send('/scenario hostile-text');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'error');
    await expect(turn.toolCall('t-1')).toContainText(`<img src=x onerror="window.__xss = 'tool'">`);
    const completed = await agentRuns.completion(turn.runId);
    await expect(turn.answer).toHaveText(completed.payload.text ?? '');
    await expect(turn.answer).toContainText('<script>');
    await expect(turn.thoughts).toHaveText([`1/1 <img src=x onerror="window.__xss = 'thought'">`]);

    await expect(turn.root.locator('img, script')).toHaveCount(0);
    expect(await page.evaluate(xssMarker)).toBeUndefined();
  });

  test('shows a user message containing HTML as text', async ({ chat, page }) => {
    const html = '<img src=x onerror="window.__xss = \'user\'"><b>bold?</b>';
    const turn = await chat.send(html);
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(turn.root).toContainText(html);
    await expect(turn.root.locator('img, b')).toHaveCount(0);
    expect(await page.evaluate(xssMarker)).toBeUndefined();
  });

  test('round-trips CJK, RTL, emoji and control characters exactly', async ({ chat, agentRuns }) => {
    const turn = await chat.send('/scenario unicode');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    const text = (await agentRuns.completion(turn.runId)).payload.text ?? '';
    expect(text).toContain('👩‍👩‍👧');
    expect(text).toContain('\u0007');
    // The answer is markdown, and CommonMark draws NUL as U+FFFD (a NUL could end a string early); all else is exact.
    expect(await turn.answer.textContent()).toBe(text.replaceAll('\0', '\uFFFD'));
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'success');
  });
});
