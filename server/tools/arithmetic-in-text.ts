/**
 * Finds the arithmetic in free text ("what is 12 * (3 + 4)?" → `12 * (3 + 4)`),
 * so the default agent knows when to call the calculator.
 *
 * A guest's message can be 16,000 characters and is scanned on the server's
 * event loop, so everything here is a plain index scan: no regex that could
 * backtrack, each character visited a bounded number of times, and only
 * candidates within MAX_EXPRESSION_LENGTH are tokenized and evaluated. The
 * whole search is linear in the length of the text.
 */
import { evaluateExpression, MATH_FUNCTION_NAMES, MAX_EXPRESSION_LENGTH, type Token, tokenize } from './calculator';
import { isDigit, isSpace, isWordChar, scanNumber, skipDigits } from './text-scan';

/** Single characters that may sit inside an expression, besides whitespace. */
const EXPRESSION_CHARS = new Set('-+*/%^()×÷−,.');
/** Cannot start an expression; nor can a `.` without a digit after it. */
const LEADING_JUNK = new Set('*/%^×÷),');
/** Cannot end an expression (whitespace neither). */
const TRAILING_JUNK = new Set('+-*/%^×÷−(,.');
const DATE_SEPARATORS = new Set('-/.');

function lowerAscii(ch: string): string {
  return ch >= 'A' && ch <= 'Z' ? ch.toLowerCase() : ch;
}

/** True when `word` (lowercase ASCII) is at `i`, ignoring ASCII case. */
function hasWordAt(text: string, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    if (lowerAscii(text.charAt(i + k)) !== word.charAt(k)) return false;
  }
  return true;
}

/** End of a function name at `i` that is called (`sqrt (`), else `i`. */
function functionNameEnd(text: string, i: number): number {
  if (isWordChar(text.charAt(i - 1))) return i;
  const name = MATH_FUNCTION_NAMES.find((candidate) => hasWordAt(text, i, candidate));
  if (!name) return i;
  // Each whitespace run follows at most one name, so these scans add up to one pass.
  let next = i + name.length;
  while (isSpace(text.charAt(next))) next++;
  return text.charAt(next) === '(' ? i + name.length : i;
}

/** End of the expression piece (number, called function, `pi`, operator, space) at `i`, else `i`. */
function pieceEnd(text: string, i: number): number {
  const number = scanNumber(text, i);
  if (number > i) return number;
  const name = functionNameEnd(text, i);
  if (name > i) return name;
  if (!isWordChar(text.charAt(i - 1)) && hasWordAt(text, i, 'pi') && !isWordChar(text.charAt(i + 2))) return i + 2;
  const ch = text.charAt(i);
  return EXPRESSION_CHARS.has(ch) || isSpace(ch) ? i + 1 : i;
}

/** The maximal runs of expression pieces, in order: the places an expression could be. */
function* candidateRuns(text: string): Generator<string> {
  let i = 0;
  while (i < text.length) {
    const start = i;
    for (let end = pieceEnd(text, i); end > i; end = pieceEnd(text, i)) i = end;
    if (i > start) yield text.slice(start, i);
    i++; // no piece starts at `i`, so no run can either
  }
}

function countOf(text: string, ch: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charAt(i) === ch) count++;
  return count;
}

/** Whether `part[i]` cannot start an expression that ends before `end`. */
function isLeadingJunk(part: string, i: number, end: number): boolean {
  const ch = part.charAt(i);
  if (ch === '.') return !(i + 1 < end && isDigit(part.charAt(i + 1)));
  return LEADING_JUNK.has(ch) || isSpace(ch);
}

function isTrailingJunk(ch: string): boolean {
  return TRAILING_JUNK.has(ch) || isSpace(ch);
}

/**
 * Trims what cannot start or end an expression, and unmatched outer parentheses, until
 * nothing changes. Works on two indexes with the parenthesis counts kept up to date, so
 * each round costs only what it removes: linear in the length of the part.
 */
function tidy(part: string): string {
  let start = 0;
  let end = part.length;
  let opens = countOf(part, '(');
  let closes = countOf(part, ')');
  for (;;) {
    const [startBefore, endBefore] = [start, end];
    while (start < end && isLeadingJunk(part, start, end)) {
      if (part.charAt(start) === ')') closes--;
      start++;
    }
    while (end > start && isTrailingJunk(part.charAt(end - 1))) {
      if (part.charAt(end - 1) === '(') opens--;
      end--;
    }
    if (start < end && part.charAt(start) === '(' && opens > closes) {
      opens--;
      start++;
    }
    if (start < end && part.charAt(end - 1) === ')' && closes > opens) {
      closes--;
      end--;
    }
    if (start === startBefore && end === endBefore) return part.slice(start, end);
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

/** `2026-05-01`, `12/31/1999`, `1.2.2026` (spaces ignored): 1–4 digits, 1–2, 1–4, one separator twice. */
function isDate(candidate: string): boolean {
  let text = '';
  for (let i = 0; i < candidate.length; i++) if (!isSpace(candidate.charAt(i))) text += candidate.charAt(i);
  const first = skipDigits(text, 0);
  const separator = text.charAt(first);
  if (first < 1 || first > 4 || !DATE_SEPARATORS.has(separator)) return false;
  const second = skipDigits(text, first + 1);
  if (second - first - 1 < 1 || second - first - 1 > 2 || text.charAt(second) !== separator) return false;
  const third = skipDigits(text, second + 1);
  return third === text.length && third - second - 1 >= 1 && third - second - 1 <= 4;
}

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isDigit(text.charAt(i))) return true;
  return false;
}

function looksArithmetic(candidate: string): boolean {
  if (!hasDigit(candidate) || isDate(candidate)) return false;
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
  for (const run of candidateRuns(text)) {
    for (const part of splitTopLevel(run)) {
      const candidate = tidy(part);
      // Length first: tokenizing and evaluating are only ever done on bounded candidates.
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
