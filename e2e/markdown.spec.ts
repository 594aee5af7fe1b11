/**
 * Answers drawn as markdown, safely: structure (headings, lists, tables,
 * code) becomes elements, code blocks can be copied, and nothing in the text
 * can run script, open a javascript: link or load a remote image.
 */
import { expect, test } from './fixtures';

test.describe('markdown answers', () => {
  test('draws headings, emphasis, lists, tables and code as elements', async ({ chat }) => {
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

  test('copies a code block with its Copy button', async ({ chat, page, context, browserName }) => {
    test.skip(
      browserName !== 'chromium',
      'reading the clipboard needs the clipboard-read and clipboard-write permissions, which Playwright grants only in Chromium',
    );
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const turn = await chat.send('/scenario markdown');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await turn.answer.getByRole('button', { name: 'Copy code' }).click();
    await expect(turn.answer.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('npm test');
  });

  test('keeps links to http(s) only, and loads no image from the text', async ({ chat, page }) => {
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

  // Bounded nodes keep a frame's layout flat however long the answer grows (bench/README.md, render lag).
  test('keeps a long streamed paragraph one paragraph, in chunks of at most about 2,000 characters', async ({
    chat,
    agentRuns,
  }) => {
    const turn = await chat.send('/scenario bench-page count=2000');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    const text = (await agentRuns.completion(turn.runId)).payload.text ?? '';
    expect(text.length, 'the answer is long enough to need chunks').toBeGreaterThan(6_000);
    await expect(turn.answer).toHaveText(text);
    await expect(turn.answer.locator('p')).toHaveCount(1);
    const longestTextNode = await turn.answer.evaluate((answer) => {
      const walker = document.createTreeWalker(answer, NodeFilter.SHOW_TEXT);
      let longest = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        longest = Math.max(longest, node.textContent?.length ?? 0);
      }
      return longest;
    });
    // A chunk ends at the first word boundary past 2,000 characters; a delta here is about 11.
    expect(longestTextNode).toBeLessThanOrEqual(2_000 + 20);
  });

  test('puts an answer of many blocks into parts of 32 blocks', async ({ chat, agentRuns }) => {
    const turn = await chat.send('/scenario bench-markdown count=70');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(turn.answer.locator('p')).toHaveCount(70);
    const blocksPerPart = turn.answer
      .locator('.answer-part')
      .evaluateAll((parts) => parts.map((p) => p.childElementCount));
    expect(await blocksPerPart).toEqual([32, 32, 6]);
    const text = (await agentRuns.completion(turn.runId)).payload.text ?? '';
    await expect(turn.answer.locator('strong')).toHaveText(
      text.match(/\*\*\d+\*\*/g)?.map((bold) => bold.slice(2, -2)) ?? [],
    );
  });
});
