import { describe, expect, it } from 'vitest';
import { findArithmetic } from './arithmetic-in-text';
import { evaluateExpression } from './calculator';

describe('findArithmetic', () => {
  it.each([
    ['what is 12 * (3 + 4)?', '12 * (3 + 4)'],
    ['Compute 2+2.', '2+2'],
    ['please calculate sqrt(16)', 'sqrt(16)'],
    ['what is 2^10, roughly?', '2^10'],
    ['max(1, 5) please', 'max(1, 5)'],
    ['(what is 3 * 4)', '3 * 4'],
    ['so -3 + 5 is?', '-3 + 5'],
    ['the value of .5 * 4', '.5 * 4'],
    ['how much is 6 × 7', '6 × 7'],
    ['first 1, then 2 + 3', '2 + 3'],
    ['2 * pi', '2 * pi'],
    ['sum: 1 + 2 + 3; done', '1 + 2 + 3'],
    ['1e3 / 4 is what?', '1e3 / 4'],
  ])('finds the expression in %j', (text, expected) => {
    expect(findArithmetic(text)).toBe(expected);
  });

  it.each([
    'hello there',
    'the year is 2026',
    'I have 3 apples',
    'meet on 2026-05-01',
    'born 12/31/1999',
    'temperature is -5 today',
    'sqrt of sixteen',
    'what is 2 +',
    'call foo(3)',
    '',
  ])('finds nothing in %j', (text) => {
    expect(findArithmetic(text)).toBeUndefined();
  });

  // Pinned while tidy and the candidate scan moved from regexes to index scans.
  it.each([
    ['((1 + 2)', '(1 + 2)'],
    ['(1 + 2))', '(1 + 2)'],
    [') 1 + 2 (', '1 + 2'],
    ['. 5 * 2 .', '5 * 2'],
    ['1 + 2 ×', '1 + 2'],
    ['((((2*3', '2*3'],
    ['sqrt (9) + 1', 'sqrt (9) + 1'],
    ['SQRT(9)', 'SQRT(9)'],
    ['x2 * 3', '2 * 3'],
    ['1e5 + 1', '1e5 + 1'],
    ['1 + 1\u00a0', '1 + 1'],
    ['\u2003 2 × 3 \u2003', '2 × 3'],
    ['is (2+3)*4, ok', '(2+3)*4'],
    [',,1+1,,', '1+1'],
    ['pi*2', 'pi*2'],
  ])('trims the candidate in %j to %j', (text, expected) => {
    expect(findArithmetic(text)).toBe(expected);
  });

  it.each(['asqrt(9)', '3 * pie', '2pi*2', '2e+ 3', 'what is 1.5.2 + 1', 'max(1, 2,'])(
    'finds nothing where names are glued to words or numbers are malformed: %j',
    (text) => {
      expect(findArithmetic(text)).toBeUndefined();
    },
  );

  it('skips candidates that do not evaluate and keeps looking', () => {
    expect(findArithmetic('divide 1 / 0 or 6 / 3')).toBe('6 / 3');
  });

  it('only returns what evaluateExpression accepts', () => {
    for (const text of ['a 1 + 2 b', 'x sqrt(9) y', '((1 + 2) * 3) end']) {
      const found = findArithmetic(text);
      expect(found).toBeDefined();
      expect(() => evaluateExpression(found ?? '')).not.toThrow();
    }
  });
});
