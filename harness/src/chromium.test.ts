import { describe, expect, it } from 'vitest';
import { isHeadedRun, resolveChromium } from './chromium';

describe('resolveChromium', () => {
  it('uses CHROMIUM_PATH when set, and refuses one that does not exist', () => {
    expect(resolveChromium({ env: { CHROMIUM_PATH: process.execPath } })).toEqual({
      source: 'env',
      executablePath: process.execPath,
    });
    expect(() => resolveChromium({ env: { CHROMIUM_PATH: '/no/such/chrome' } })).toThrow(
      'CHROMIUM_PATH=/no/such/chrome does not exist',
    );
  });

  it('never picks the headless shell for a headed run', () => {
    expect(resolveChromium({ headless: false, env: {} }).executablePath ?? '').not.toMatch(/headless-shell/);
  });
});

describe('isHeadedRun', () => {
  it('detects --headed, --ui, --debug and PWDEBUG', () => {
    expect(isHeadedRun(['node', 'playwright', 'test'], {})).toBe(false);
    expect(isHeadedRun(['node', 'playwright', 'test', '--headed'], {})).toBe(true);
    expect(isHeadedRun(['node', 'playwright', 'test', '--ui'], {})).toBe(true);
    expect(isHeadedRun(['node', 'playwright', 'test'], { PWDEBUG: '1' })).toBe(true);
  });
});
