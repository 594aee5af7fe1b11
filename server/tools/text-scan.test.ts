import { describe, expect, it } from 'vitest';
import { isSpace, scanNumber } from './text-scan';

describe('scanNumber', () => {
  it.each([
    ['12', 0, 2],
    ['1.', 0, 2],
    ['.5', 0, 2],
    ['2.5e-3x', 0, 6],
    ['1E5', 0, 3],
    ['1e', 0, 1],
    ['1e+', 0, 1],
    ['1.2.3', 0, 3],
    ['x1.5', 1, 4],
    ['.', 0, 0],
    ['x1', 0, 0],
  ])('ends the number in %j from %i at %i', (text, start, end) => {
    expect(scanNumber(text, start)).toBe(end);
  });

  it('reads a long run of digits in one pass', () => {
    expect(scanNumber(`${'9'.repeat(16_000)}.`, 0)).toBe(16_001);
  });
});

describe('isSpace', () => {
  it.each([' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u2003', '\u3000', '\ufeff'])('is true for %j', (ch) => {
    expect(isSpace(ch)).toBe(true);
  });

  it.each(['', 'a', '0', '  ', '\u200b', '_'])('is false for %j', (ch) => {
    expect(isSpace(ch)).toBe(false);
  });
});
