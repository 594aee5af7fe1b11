/**
 * Calculator tool: a safe arithmetic evaluator (hand-written tokenizer and
 * recursive-descent parser, never `eval`). Scanning is by index with the
 * character tests of text-scan.ts, never a regex that could backtrack, so text
 * of any length costs one pass.
 */
import { z } from 'zod';
import { isDigit, isNameStart, isSpace, isWordChar, scanNumber } from './text-scan';
import { defineTool } from './tool';

export const MAX_EXPRESSION_LENGTH = 500;
const MAX_NESTING_DEPTH = 100;

/** A user-facing error; `position` is the 0-based offset in the expression, when known. */
export class CalculatorError extends Error {
  override name = 'CalculatorError';
  readonly position: number | undefined;

  constructor(message: string, position?: number) {
    super(position === undefined ? message : `${message} at position ${position}`);
    this.position = position;
  }
}

type TokenType = 'number' | 'name' | 'op' | '(' | ')' | ',';

export interface Token {
  type: TokenType;
  text: string;
  pos: number;
  value?: number;
}

// Maps, not object literals, so names like `constructor` or `__proto__` resolve to nothing.
const CONSTANTS = new Map<string, number>([
  ['pi', Math.PI],
  ['e', Math.E],
]);

interface MathFunction {
  /** Argument count, or `undefined` for variadic (at least one). */
  arity?: number;
  apply(args: number[]): number;
}

const unary = (fn: (x: number) => number): MathFunction => ({ arity: 1, apply: (args) => fn(args[0] ?? Number.NaN) });

const FUNCTIONS = new Map<string, MathFunction>([
  ['sqrt', unary(Math.sqrt)],
  ['abs', unary(Math.abs)],
  ['round', unary(Math.round)],
  ['floor', unary(Math.floor)],
  ['ceil', unary(Math.ceil)],
  ['sin', unary(Math.sin)],
  ['cos', unary(Math.cos)],
  ['tan', unary(Math.tan)],
  ['log', unary(Math.log10)],
  ['ln', unary(Math.log)],
  ['exp', unary(Math.exp)],
  ['min', { apply: (args) => Math.min(...args) }],
  ['max', { apply: (args) => Math.max(...args) }],
]);

/** Unicode operators people paste from chat. */
const OPERATOR_ALIASES = new Map<string, string>([
  ['×', '*'],
  ['÷', '/'],
  ['−', '-'],
]);

function unexpected(token: Token | undefined, end: number): CalculatorError {
  return token
    ? new CalculatorError(`unexpected "${token.text}"`, token.pos)
    : new CalculatorError('unexpected end of expression', end);
}

/** Splits an expression into tokens; throws CalculatorError at the first character it cannot use. */
export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const ch = expr.charAt(i);
    if (isSpace(ch)) {
      i++;
      continue;
    }
    if (isDigit(ch) || ch === '.') {
      const end = scanNumber(expr, i);
      if (end === i) throw new CalculatorError('malformed number', i);
      const text = expr.slice(i, end);
      // Catches `1e`, `1e+` and `1.2.3`-style leftovers glued to the number.
      const glued = expr.charAt(end);
      if (glued === 'e' || glued === 'E' || glued === '.') {
        throw new CalculatorError(`malformed number "${text}${glued}"`, i);
      }
      tokens.push({ type: 'number', text, pos: i, value: Number(text) });
      i = end;
      continue;
    }
    if (isNameStart(ch)) {
      let end = i + 1;
      while (isWordChar(expr.charAt(end))) end++;
      tokens.push({ type: 'name', text: expr.slice(i, end), pos: i });
      i = end;
      continue;
    }
    if (ch === '*' && expr.charAt(i + 1) === '*') {
      tokens.push({ type: 'op', text: '**', pos: i });
      i += 2;
      continue;
    }
    const op = OPERATOR_ALIASES.get(ch) ?? ch;
    if ('+-*/%^'.includes(op)) {
      tokens.push({ type: 'op', text: op, pos: i });
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: ch, text: ch, pos: i });
    } else {
      throw new CalculatorError(`unexpected character "${ch}"`, i);
    }
    i++;
  }
  return tokens;
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    /** Length of the source, the position reported for a premature end. */
    private readonly end: number,
  ) {}

  parse(): number {
    const value = this.expression();
    const extra = this.peek();
    if (extra) throw unexpected(extra, this.end);
    return value;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private next(): Token | undefined {
    return this.tokens[this.index++];
  }

  private peekOp(...ops: string[]): Token | undefined {
    const token = this.peek();
    return token?.type === 'op' && ops.includes(token.text) ? token : undefined;
  }

  private expect(type: TokenType): Token {
    const token = this.next();
    if (token?.type !== type) throw unexpected(token, this.end);
    return token;
  }

  // expression := term (('+' | '-') term)*
  private expression(): number {
    let value = this.term();
    for (let op = this.peekOp('+', '-'); op; op = this.peekOp('+', '-')) {
      this.index++;
      const right = this.term();
      value = op.text === '+' ? value + right : value - right;
    }
    return value;
  }

  // term := unary (('*' | '/' | '%') unary)*
  private term(): number {
    let value = this.unary();
    for (let op = this.peekOp('*', '/', '%'); op; op = this.peekOp('*', '/', '%')) {
      this.index++;
      const right = this.unary();
      if (op.text === '*') {
        value *= right;
      } else if (right === 0) {
        throw new CalculatorError('division by zero', op.pos);
      } else {
        value = op.text === '/' ? value / right : value % right;
      }
    }
    return value;
  }

  // unary := ('+' | '-') unary | power. Every nesting path passes here, so the depth cap lives here.
  private unary(): number {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw new CalculatorError('expression nested too deeply', this.peek()?.pos);
    }
    try {
      const sign = this.peekOp('+', '-');
      if (sign) {
        this.index++;
        const operand = this.unary();
        return sign.text === '-' ? -operand : operand;
      }
      return this.power();
    } finally {
      this.depth--;
    }
  }

  // power := primary (('^' | '**') unary)?  Right-associative, and tighter than a leading minus.
  private power(): number {
    const base = this.primary();
    if (!this.peekOp('^', '**')) return base;
    this.index++;
    return base ** this.unary();
  }

  // primary := number | constant | name '(' args ')' | '(' expression ')'
  private primary(): number {
    const token = this.next();
    if (token?.type === 'number' && token.value !== undefined) return token.value;
    if (token?.type === '(') {
      const value = this.expression();
      this.expect(')');
      return value;
    }
    if (token?.type === 'name') return this.name(token);
    throw unexpected(token, this.end);
  }

  private name(token: Token): number {
    const key = token.text.toLowerCase();
    const isCall = this.peek()?.type === '(';
    if (!isCall) {
      const constant = CONSTANTS.get(key);
      if (constant !== undefined) return constant;
      if (FUNCTIONS.has(key)) throw new CalculatorError(`function "${token.text}" needs parentheses`, token.pos);
      throw new CalculatorError(`unknown name "${token.text}"`, token.pos);
    }
    const fn = FUNCTIONS.get(key);
    if (!fn) throw new CalculatorError(`unknown function "${token.text}"`, token.pos);
    this.index++;
    const args: number[] = [];
    if (this.peek()?.type !== ')') {
      args.push(this.expression());
      while (this.peek()?.type === ',') {
        this.index++;
        args.push(this.expression());
      }
    }
    this.expect(')');
    if (fn.arity !== undefined && args.length !== fn.arity) {
      const plural = fn.arity === 1 ? '' : 's';
      throw new CalculatorError(`${key}() takes ${fn.arity} argument${plural}, got ${args.length}`, token.pos);
    }
    if (args.length === 0) throw new CalculatorError(`${key}() needs at least one argument`, token.pos);
    return fn.apply(args);
  }
}

/** Names of the functions the calculator knows, e.g. `sqrt`. */
export const MATH_FUNCTION_NAMES: readonly string[] = [...FUNCTIONS.keys()];

/**
 * Evaluates an arithmetic expression; throws `CalculatorError` on anything else.
 * The length check comes first, so the work per call is bounded however long the input.
 */
export function evaluateExpression(expr: string): number {
  if (expr.length > MAX_EXPRESSION_LENGTH) {
    throw new CalculatorError(`expression too long (max ${MAX_EXPRESSION_LENGTH} characters)`);
  }
  const tokens = tokenize(expr);
  if (tokens.length === 0) throw new CalculatorError('empty expression');
  const value = new Parser(tokens, expr.length).parse();
  if (!Number.isFinite(value)) throw new CalculatorError('result is not a finite number');
  return value === 0 ? 0 : value; // no -0 in results
}

export const calculatorTool = defineTool({
  name: 'calculator',
  description:
    'Evaluates an arithmetic expression: + - * / % ^, parentheses, pi, e, sqrt abs round floor ceil sin cos tan log ln exp min max.',
  args: z.object({ expression: z.string().min(1).max(MAX_EXPRESSION_LENGTH) }),
  execute: ({ expression }) => ({ expression, value: evaluateExpression(expression) }),
});
