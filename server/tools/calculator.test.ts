/** Tests for the safe arithmetic evaluator and the calculator tool. */
import { describe, expect, it } from 'vitest';
import { CalculatorError, calculatorTool, evaluateExpression } from './calculator';

const context = { signal: new AbortController().signal, progress: () => {} };

function errorOf(expr: string): CalculatorError {
  try {
    evaluateExpression(expr);
  } catch (error) {
    if (error instanceof CalculatorError) return error;
    throw error;
  }
  throw new Error(`expected "${expr}" to throw`);
}

describe('evaluateExpression', () => {
  it.each([
    ['42', 42],
    ['3.25', 3.25],
    ['.5', 0.5],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['1.', 1],
    ['  7 ', 7],
  ])('reads the number %s', (expr, value) => {
    expect(evaluateExpression(expr)).toBe(value);
  });

  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['100 / 10 / 5', 2],
    ['2 * 3 % 4', 2],
    ['7 % 3 + 1', 2],
    ['1 + 2 ^ 3 * 2', 17],
    ['2 * (3 + (4 - 1)) / 3', 4],
  ])('respects precedence and left associativity: %s', (expr, value) => {
    expect(evaluateExpression(expr)).toBe(value);
  });

  it.each([
    ['2 ^ 3 ^ 2', 512],
    ['2 ** 3 ** 2', 512],
    ['(2 ^ 3) ^ 2', 64],
    ['-2 ^ 2', -4],
    ['(-2) ^ 2', 4],
    ['2 ^ -1', 0.5],
    ['-2 ** 2', -4],
  ])('makes power right-associative and tighter than unary minus: %s', (expr, value) => {
    expect(evaluateExpression(expr)).toBe(value);
  });

  it.each([
    ['-3', -3],
    ['+3', 3],
    ['--3', 3],
    ['-+-3', 3],
    ['2 * -3', -6],
    ['2 - -3', 5],
    ['-(1 + 2)', -3],
    ['-0', 0],
  ])('handles unary signs: %s', (expr, value) => {
    expect(evaluateExpression(expr)).toBe(value);
  });

  it('returns positive zero rather than -0', () => {
    expect(Object.is(evaluateExpression('-0'), 0)).toBe(true);
    expect(Object.is(evaluateExpression('0 * -1'), 0)).toBe(true);
  });

  it.each([
    ['pi', Math.PI],
    ['e', Math.E],
    ['2 * PI', 2 * Math.PI],
    ['sqrt(16)', 4],
    ['abs(-5)', 5],
    ['round(2.5)', 3],
    ['floor(-1.5)', -2],
    ['ceil(1.2)', 2],
    ['sin(0)', 0],
    ['cos(0)', 1],
    ['tan(0)', 0],
    ['log(1000)', 3],
    ['ln(e)', 1],
    ['exp(0)', 1],
    ['min(3, 1, 2)', 1],
    ['max(3, 1, 2)', 3],
    ['max(4)', 4],
    ['Sqrt(9) + 1', 4],
    ['max(1, 2) ^ 2', 4],
    ['sqrt(sqrt(16)) * min(2, abs(-3))', 4],
    ['-sqrt(4)', -2],
  ])('supports constants and functions: %s', (expr, value) => {
    expect(evaluateExpression(expr)).toBeCloseTo(value, 12);
  });

  it('accepts unicode operators pasted from chat', () => {
    expect(evaluateExpression('6 × 7 − 2 ÷ 2')).toBe(41);
  });

  it.each([
    ['1 + 2)', 'unexpected ")" at position 5', 5],
    ['(1 + 2', 'unexpected end of expression at position 6', 6],
    ['1 +', 'unexpected end of expression at position 3', 3],
    ['* 2', 'unexpected "*" at position 0', 0],
    ['2 3', 'unexpected "3" at position 2', 2],
    ['()', 'unexpected ")" at position 1', 1],
    ['1 $ 2', 'unexpected character "$" at position 2', 2],
    ['1 / 0', 'division by zero at position 2', 2],
    ['5 % (2 - 2)', 'division by zero at position 2', 2],
    ['foo(1)', 'unknown function "foo" at position 0', 0],
    ['1 + x', 'unknown name "x" at position 4', 4],
    ['sqrt', 'function "sqrt" needs parentheses at position 0', 0],
    ['sqrt(1, 2)', 'sqrt() takes 1 argument, got 2 at position 0', 0],
    ['max()', 'max() needs at least one argument at position 0', 0],
    ['1e', 'malformed number "1e" at position 0', 0],
    ['1.2.3', 'malformed number "1.2." at position 0', 0],
    ['.', 'malformed number at position 0', 0],
    ['1, 2', 'unexpected "," at position 1', 1],
  ])('rejects %s with a positioned message', (expr, message, position) => {
    const error = errorOf(expr);
    expect(error.message).toBe(message);
    expect(error.position).toBe(position);
    expect(error.name).toBe('CalculatorError');
    expect(error).toBeInstanceOf(Error);
  });

  it.each(['sqrt(-1)', '10 ^ 400', 'ln(0)', '(-8) ^ (1 / 3)'])('rejects the non-finite result of %s', (expr) => {
    expect(() => evaluateExpression(expr)).toThrow('result is not a finite number');
  });

  it.each(['', '   '])('rejects an empty expression %j', (expr) => {
    expect(() => evaluateExpression(expr)).toThrow('empty expression');
  });

  it.each([
    'constructor',
    'constructor(1)',
    '__proto__',
    'toString(1)',
    'hasOwnProperty(1)',
    'process',
    'process.exit(1)',
    'globalThis',
    'Math.PI',
    'eval(1)',
    'Function(1)',
    'require(1)',
    "alert('x')",
    '[1]',
    '1; 2',
    '`1`',
  ])('gives no access to globals or other syntax: %s', (expr) => {
    expect(() => evaluateExpression(expr)).toThrow(CalculatorError);
  });

  it('caps the length at 500 characters', () => {
    const ok = `1${'+1'.repeat(249)}`;
    expect(ok.length).toBe(499);
    expect(evaluateExpression(ok)).toBe(250);
    expect(evaluateExpression(`${ok} `)).toBe(250);
    expect(() => evaluateExpression(`${ok}+1`)).toThrow('expression too long');
  });

  it('caps the nesting depth', () => {
    expect(evaluateExpression(`${'('.repeat(50)}1${')'.repeat(50)}`)).toBe(1);
    expect(() => evaluateExpression(`${'('.repeat(150)}1${')'.repeat(150)}`)).toThrow('expression nested too deeply');
    expect(() => evaluateExpression(`${'-'.repeat(200)}1`)).toThrow('expression nested too deeply');
    expect(() => evaluateExpression(`2${'^2'.repeat(200)}`)).toThrow('expression nested too deeply');
  });
});

describe('calculatorTool', () => {
  it('is named calculator and validates its args', () => {
    expect(calculatorTool.name).toBe('calculator');
    expect(calculatorTool.args.safeParse({ expression: '1 + 1' }).success).toBe(true);
    expect(calculatorTool.args.safeParse({ expression: '' }).success).toBe(false);
    expect(calculatorTool.args.safeParse({ expression: 'x'.repeat(501) }).success).toBe(false);
    expect(calculatorTool.args.safeParse({}).success).toBe(false);
  });

  it('returns the expression and its value', async () => {
    await expect(Promise.resolve(calculatorTool.execute({ expression: '12 * (3 + 4)' }, context))).resolves.toEqual({
      expression: '12 * (3 + 4)',
      value: 84,
    });
  });

  it('throws CalculatorError for bad input', () => {
    expect(() => calculatorTool.execute({ expression: '1 / 0' }, context)).toThrow(CalculatorError);
  });
});
