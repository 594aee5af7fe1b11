/**
 * Answers drawn as markdown, safely: structure (headings, lists, tables,
 * code) becomes elements, code blocks can be copied, and nothing in the text
 * can run script, open a javascript: link or load a remote image.
 */
import { expect, test } from './fixtures';

test.describe('markdown answers', () => {
  test('should draw headings, emphasis, lists, tables and code as elements', async ({ chat }) => {
    const turn = await chat.send('/scenario markdown');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    const answer = turn.answer;
    await expect(answer.getByRole('heading', { level: 5, name: 'Results' })).toBeVisible();
    await expect(answer.locator('strong')).toHaveText('calculator');
    await expect(answer.getByRole('listitem')).toHaveText(['first', 'second']);
    const table = answer.getByRole('table');
    await expect(table.getByRole('columnheader')).toHaveText(['tool', 'ms']);
    await expect(table.getByRole('row').nth(1).getByRole('cell')).toHaveText(['sleep', '600']);
    await expect(answer.locator('pre code')).toHaveText('npm test');
    await expect(turn).toHaveRendered('partial_result');
  });

  test('should copy a code block with its Copy button', async ({ chat, page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const turn = await chat.send('/scenario markdown');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await turn.answer.getByRole('button', { name: 'Copy code' }).click();
    await expect(turn.answer.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('npm test');
  });

  test('should keep links to http(s) only, and load no image from the text', async ({ chat, page }) => {
    const images: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('pixel.png')) images.push(request.url());
    });
    const turn = await chat.send('/scenario markdown');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(turn.answer.getByRole('link', { name: 'the docs' })).toHaveAttribute(
      'href',
      'https://example.com/docs',
    );
    await expect(turn.answer.getByRole('link')).toHaveCount(1);
    await expect(turn.answer).toContainText('or this.');
    await expect(turn.answer).toContainText('a tracking pixel');
    await expect(turn.answer.locator('img')).toHaveCount(0);
    expect(images).toEqual([]);
    expect(await page.evaluate(() => (window as { __xss?: string }).__xss)).toBeUndefined();
  });
});
