/**
 * Clock tool: the current time, in the server's time zone or a named IANA
 * one, plus a helper that spots chat messages asking for the time or date.
 */
import { z } from 'zod';
import { isSpace, isWordChar } from './text-scan';
import { defineTool } from './tool';

export interface ClockReading {
  iso: string;
  epochMs: number;
  /** Canonical IANA name, e.g. `Europe/Paris` or `UTC`. */
  timeZone: string;
  /** Human-readable, e.g. `Friday, 1 May 2026 at 14:03:00 CEST`. */
  local: string;
}

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'long', timeZone });
  } catch (error) {
    if (error instanceof RangeError) throw new Error(`unknown time zone "${timeZone}"`);
    throw error;
  }
}

/** `now` is injectable so tests can pin the time. */
export function createClockTool(now: () => number = Date.now) {
  return defineTool({
    name: 'clock',
    description: 'Returns the current date and time, optionally in a given IANA time zone such as "Europe/Paris".',
    args: z.object({ timeZone: z.string().min(1).max(100).optional() }),
    execute: ({ timeZone }): ClockReading => {
      const formatter = formatterFor(timeZone);
      const epochMs = now();
      return {
        iso: new Date(epochMs).toISOString(),
        epochMs,
        timeZone: formatter.resolvedOptions().timeZone,
        local: formatter.format(epochMs),
      };
    },
  });
}

export const clockTool = createClockTool();

/** The separator before a word: only whitespace, a lone apostrophe (`what's`), or anything else. */
type Gap = 'space' | 'apostrophe' | 'other';

interface Word {
  /** An ASCII word (`\w+`), lowercased. */
  text: string;
  gap: Gap;
}

const APOSTROPHES = new Set(["'", '\u2018', '\u2019']);
/** Ask for the time or date on their own. */
const CLOCK_WORDS = new Set(['today', 'tonight', 'clock', 'date']);
/** What "what (is|'s) (the) (current|local)" asks about. */
const WHAT_OBJECTS = new Set(['time', 'date', 'day']);
const QUALIFIERS = new Set(['current', 'local']);
/** What "current" or "local" asks about. */
const QUALIFIED = new Set(['time', 'date']);

function gapBetween(text: string, start: number, end: number): Gap {
  if (end - start === 1 && APOSTROPHES.has(text.charAt(start))) return 'apostrophe';
  for (let i = start; i < end; i++) if (!isSpace(text.charAt(i))) return 'other';
  return end > start ? 'space' : 'other';
}

/** The text's words and their gaps, in one pass. */
function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    const gapStart = i;
    while (i < text.length && !isWordChar(text.charAt(i))) i++;
    if (i === text.length) break;
    const start = i;
    while (isWordChar(text.charAt(i))) i++;
    words.push({ text: text.slice(start, i).toLowerCase(), gap: gapBetween(text, gapStart, start) });
  }
  return words;
}

/** Word `k` when whitespace alone (or the given gap) separates it from word `k - 1`. */
function after(words: Word[], k: number, gap: Gap = 'space'): string | undefined {
  const word = words[k];
  return word?.gap === gap ? word.text : undefined;
}

/** "(the) (current|local) time|date|day" from word `k` on. */
function isWhatObject(words: Word[], k: number): boolean {
  let i = k;
  if (words[i]?.text === 'the' && after(words, i + 1) !== undefined) i++;
  if (QUALIFIERS.has(words[i]?.text ?? '') && after(words, i + 1) !== undefined) i++;
  return WHAT_OBJECTS.has(words[i]?.text ?? '');
}

/** "what('s| is) …": the verb is optional, the object is not. */
function isWhatQuestion(words: Word[], i: number): boolean {
  const hasVerb = after(words, i + 1, 'apostrophe') === 's' || after(words, i + 1) === 'is';
  if (hasVerb && after(words, i + 2) !== undefined && isWhatObject(words, i + 2)) return true;
  return after(words, i + 1) !== undefined && isWhatObject(words, i + 1);
}

function asksAt(words: Word[], i: number): boolean {
  const word = words[i]?.text ?? '';
  if (CLOCK_WORDS.has(word)) return true;
  if (word === 'what') return isWhatQuestion(words, i);
  if (QUALIFIERS.has(word)) return QUALIFIED.has(after(words, i + 1) ?? '');
  if (word !== 'time') return false;
  const next = after(words, i + 1);
  return next === 'now' || next === 'in' || (next === 'is' && after(words, i + 2) === 'it');
}

/**
 * True when the text asks for the time or date ("what time is it", "today's date"); not for "timeout" or "update".
 * Matches whole ASCII words separated by whitespace, word by word: one pass over the text, no regex to backtrack.
 */
export function wantsClock(text: string): boolean {
  const words = wordsOf(text);
  return words.some((_, i) => asksAt(words, i));
}
