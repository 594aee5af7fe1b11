/**
 * Clock tool: the current time, in the server's time zone or a named IANA
 * one, plus a helper that spots chat messages asking for the time or date.
 */
import { z } from 'zod';
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

const CLOCK_RE =
  /\b(?:what(?:'s|\s+is)?\s+(?:the\s+)?(?:current\s+|local\s+)?(?:time|date|day)|time\s+is\s+it|(?:current|local)\s+(?:time|date)|time\s+(?:now|in)|today|tonight|clock|date)\b/i;

/** True when the text asks for the time or date ("what time is it", "today's date"); not for "timeout" or "update". */
export function wantsClock(text: string): boolean {
  return CLOCK_RE.test(text.replace(/[\u2018\u2019]/g, "'"));
}
