/** Tests for the clock tool (with a pinned time source) and the wantsClock intent check. */
import { describe, expect, it } from 'vitest';
import { clockTool, createClockTool, wantsClock } from './clock';

const context = { signal: new AbortController().signal, progress: () => {} };
const FIXED = Date.UTC(2026, 4, 1, 12, 0, 0); // Friday 1 May 2026, 12:00 UTC
const fixedClock = createClockTool(() => FIXED);
const read = async (timeZone?: string) => fixedClock.execute(timeZone === undefined ? {} : { timeZone }, context);

describe('clock tool', () => {
  it('is named clock and validates its args', () => {
    expect(clockTool.name).toBe('clock');
    expect(clockTool.args.safeParse({}).success).toBe(true);
    expect(clockTool.args.safeParse({ timeZone: 'Europe/Paris' }).success).toBe(true);
    expect(clockTool.args.safeParse({ timeZone: 42 }).success).toBe(false);
  });

  it('reports the injected time in the requested zone', async () => {
    const reading = await read('Europe/Paris');
    expect(reading).toEqual({
      iso: '2026-05-01T12:00:00.000Z',
      epochMs: FIXED,
      timeZone: 'Europe/Paris',
      local: new Intl.DateTimeFormat('en-GB', {
        dateStyle: 'full',
        timeStyle: 'long',
        timeZone: 'Europe/Paris',
      }).format(FIXED),
    });
    expect(reading.local).toMatch(/Friday.*1 May 2026.*14:00:00/);
  });

  it('canonicalises the zone name', async () => {
    expect((await read('utc')).timeZone).toBe('UTC');
    expect(await read('asia/tokyo')).toMatchObject({
      timeZone: 'Asia/Tokyo',
      local: expect.stringMatching(/21:00:00/),
    });
  });

  it('reads a pinned instant in a named zone the way the default agent quotes it', async () => {
    const tokyo = createClockTool(() => Date.UTC(2026, 10, 28, 3, 15, 0));
    expect(await tokyo.execute({ timeZone: 'Asia/Tokyo' }, context)).toMatchObject({
      timeZone: 'Asia/Tokyo',
      local: 'Saturday, 28 November 2026 at 12:15:00 GMT+9',
    });
  });

  it('accepts a current zone name an older runtime lists under a former one', async () => {
    // Node 20's ICU canonicalises Asia/Kolkata to Asia/Calcutta; newer ones keep it. Either reads the same.
    const reading = await read('Asia/Kolkata');
    expect(['Asia/Kolkata', 'Asia/Calcutta']).toContain(reading.timeZone);
    expect(reading.local).toMatch(/17:30:00/);
  });

  it("defaults to the server's time zone", async () => {
    const reading = await read();
    expect(reading.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(reading.epochMs).toBe(FIXED);
  });

  it('throws a clear error for an unknown time zone', async () => {
    await expect(read('Mars/Base')).rejects.toThrow('unknown time zone "Mars/Base"');
  });

  it('uses the real clock by default', async () => {
    const before = Date.now();
    const { epochMs, iso } = await clockTool.execute({ timeZone: 'UTC' }, context);
    expect(epochMs).toBeGreaterThanOrEqual(before);
    expect(epochMs).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(iso)).toBe(epochMs);
  });
});

describe('wantsClock', () => {
  it.each([
    'what time is it',
    'What time is it in Tokyo?',
    "what's the time",
    'what’s the date?',
    "today's date",
    'what day is it today',
    'What is the current time?',
    'show me the clock',
    'local time in Paris please',
    'time now',
    'which date is it',
    'time in New York',
    "what's the time in paris",
    'date in Asia/Kolkata',
  ])('is true for %j', (text) => {
    expect(wantsClock(text)).toBe(true);
  });

  it.each([
    'timeout',
    'the request timed out',
    'update the page',
    'please update',
    'set a timezone',
    'what is 2 + 2',
    'search the docs for timeouts',
    'sleep for a while',
    '',
  ])('is false for %j', (text) => {
    expect(wantsClock(text)).toBe(false);
  });

  // Pinned while the regex gave way to a word scan: whole ASCII words, any whitespace between them.
  it.each([
    ["what's the local time", true],
    ['WHAT IS THE DATE', true],
    ['what\u00a0time', true],
    ['what\ttime\tis it', true],
    ['what  is  the  time', true],
    ['what is the current day', true],
    ['what the day', true],
    ['time in Tokyo', true],
    ["o'clock", true],
    ['whats the time', false],
    ['what s the time', false],
    ['somewhat time', false],
    ['the time is now', false],
    ['in time', false],
    ['local_time', false],
    ['current-time', false],
    ['todays', false],
  ])('reads %j as %s', (text, expected) => {
    expect(wantsClock(text)).toBe(expected);
  });
});
