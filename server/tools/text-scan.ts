/**
 * Character scanning for user text: one pass over the characters, no regex that
 * could backtrack, so a message of any length costs time in proportion to it.
 * The calculator's tokenizer and the default agent's text finders share it.
 */

/** `\s` as regexes define it. Only ever tested on one character, so there is nothing to backtrack. */
const SPACE_RE = /\s/;

/** True for one whitespace character (`\s`); false for `''`, what `charAt` returns past the end. */
export function isSpace(ch: string): boolean {
  if (ch.length !== 1) return false;
  // ASCII is decided without the regex: this runs for every character of a 16,000-character message.
  const code = ch.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return SPACE_RE.test(ch);
}

export function isDigit(ch: string): boolean {
  return ch.length === 1 && ch >= '0' && ch <= '9';
}

export function isNameStart(ch: string): boolean {
  return ch.length === 1 && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_');
}

/** A `\w` character: ASCII letter, digit or underscore. */
export function isWordChar(ch: string): boolean {
  return isNameStart(ch) || isDigit(ch);
}

/** Index of the first non-digit at or after `from`. */
export function skipDigits(text: string, from: number): number {
  let i = from;
  while (isDigit(text.charAt(i))) i++;
  return i;
}

/**
 * End of the number starting at `start` (`12`, `1.`, `.5`, `2.5e-3`), or `start` when none starts
 * there. A plain index scan, so user text of any length costs one pass.
 */
export function scanNumber(text: string, start: number): number {
  let i: number;
  if (isDigit(text.charAt(start))) {
    i = skipDigits(text, start);
    if (text.charAt(i) === '.') i = skipDigits(text, i + 1);
  } else if (text.charAt(start) === '.' && isDigit(text.charAt(start + 1))) {
    i = skipDigits(text, start + 1);
  } else {
    return start;
  }
  const e = text.charAt(i);
  if (e !== 'e' && e !== 'E') return i;
  const sign = text.charAt(i + 1);
  const digits = sign === '+' || sign === '-' ? i + 2 : i + 1;
  // `1e` or `1e+` without digits: the exponent is not part of the number.
  return isDigit(text.charAt(digits)) ? skipDigits(text, digits) : i;
}
