/**
 * The page stays usable beyond a desktop in light mode: on a phone-sized
 * viewport and in dark mode.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** WCAG contrast ratio between an element's text colour and the page background. */
async function textContrast(page: Page, selector: string): Promise<number> {
  return page.evaluate((target) => {
    const parse = (color: string) => (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const luminance = (rgb: number[]) => {
      const [r = 0, g = 0, b = 0] = rgb.map((channel) => {
        const c = channel / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const element = document.querySelector(target);
    if (!element) throw new Error(`no element ${target}`);
    const text = luminance(parse(getComputedStyle(element).color));
    const background = luminance(parse(getComputedStyle(document.body).backgroundColor));
    return (Math.max(text, background) + 0.05) / (Math.min(text, background) + 0.05);
  }, selector);
}

test.describe('phone viewport', () => {
  test.use({ viewport: { width: 375, height: 667 } });

  test('keeps the composer on screen and never scrolls sideways', async ({ chat, page }) => {
    const turn = await chat.send('how do I run the tests? Explain the architecture and the protocol in detail.');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(chat.composer).toBeInViewport();
    await expect(chat.sendButton).toBeInViewport();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

test.describe('dark mode', () => {
  test.use({ colorScheme: 'dark' });

  test('uses a dark background with readable text', async ({ chat, page }) => {
    const turn = await chat.send('/scenario basic');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r = 255, g = 255, b = 255] = (background.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b, `body background ${background}`).toBeLessThan(3 * 80);
    expect(await textContrast(page, '.answer')).toBeGreaterThanOrEqual(4.5);
  });
});
