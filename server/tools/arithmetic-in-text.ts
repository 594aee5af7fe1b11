/**
 * Finds the arithmetic in free text ("what is 12 * (3 + 4)?" → `12 * (3 + 4)`),
 * so the default agent knows when to call the calculator.
 */
import { evaluateExpression, MATH_FUNCTION_NAMES, MAX_EXPRESSION_LENGTH, type Token, tokenize } from './calculator';

// A run of characters that could belong to an expression; function names only when called.
const FUNCTION_NAMES = MATH_FUNCTION_NAMES.join('|');
const CANDIDATE_RE = new RegExp(
  String.raw`(?:\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|\b(?:${FUNCTION_NAMES})(?=\s*\()|\bpi\b|[-+*/%^()×÷−,.\s])+`,
  'gi',
);
const DATE_RE = /^\d{1,4}([-/.])\d{1,2}\1\d{1,4}$/;

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

/** Trims what cannot start or end an expression, and unmatched outer parentheses. */
function tidy(candidate: string): string {
  let text = candidate;
  for (;;) {
    const before = text;
    text = text.replace(/^(?:[\s*/%^×÷),]|\.(?!\d))+/, '').replace(/[\s+\-*/%^×÷−(,.]+$/, '');
    if (text.startsWith('(') && count(text, '(') > count(text, ')')) text = text.slice(1);
    if (text.endsWith(')') && count(text, ')') > count(text, '(')) text = text.slice(0, -1);
    if (text === before) return text;
  }
}

/** Splits at commas outside parentheses, so `1, 2 + 3` yields `1` and `2 + 3`. */
function splitTopLevel(run: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < run.length; i++) {
    const ch = run.charAt(i);
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      parts.push(run.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(run.slice(start));
  return parts;
}

function looksArithmetic(candidate: string): boolean {
  if (!/\d/.test(candidate) || DATE_RE.test(candidate.replace(/\s+/g, ''))) return false;
  let tokens: Token[];
  try {
    tokens = tokenize(candidate);
  } catch {
    return false;
  }
  return tokens.some((token, i) => {
    const prev = tokens[i - 1];
    const isBinary = token.type === 'op' && (prev?.type === 'number' || prev?.type === 'name' || prev?.type === ')');
    const isCall =
      token.type === 'name' && MATH_FUNCTION_NAMES.includes(token.text.toLowerCase()) && tokens[i + 1]?.type === '(';
    return isBinary || isCall;
  });
}

/**
 * Finds the first arithmetic expression in free text, e.g. `what is 12 * (3 + 4)?` → `12 * (3 + 4)`.
 * Needs a digit plus a binary operator or a function call, so lone numbers and dates don't count.
 */
export function findArithmetic(text: string): string | undefined {
  for (const match of text.matchAll(CANDIDATE_RE)) {
    for (const part of splitTopLevel(match[0])) {
      const candidate = tidy(part);
      if (candidate.length > MAX_EXPRESSION_LENGTH || !looksArithmetic(candidate)) continue;
      try {
        evaluateExpression(candidate);
        return candidate;
      } catch {
        // Not a valid expression after all; keep looking.
      }
    }
  }
  return undefined;
}
