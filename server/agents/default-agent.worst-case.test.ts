/**
 * The default agent's planner on the worst messages a guest can send: 16,000
 * characters (the protocol's limit) shaped to make text scanners backtrack or
 * rescan. Every result is asserted, no timing is. The functions run on a
 * worker thread: vitest cannot interrupt a synchronous loop on its own thread,
 * so a regression that blocks for hours fails at the test's timeout there
 * instead of freezing the whole run.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { MAX_USER_TEXT_LENGTH } from '../../protocol';
import type { ToolRequest } from '../runtime/agent';

const MAX = MAX_USER_TEXT_LENGTH;

/** `unit` repeated and cut so that, with `tail` after it, the text is exactly MAX characters long. */
function atMax(unit: string, tail = ''): string {
  const body = MAX - tail.length;
  return unit.repeat(Math.ceil(body / unit.length)).slice(0, body) + tail;
}

/** Where each function under test lives, relative to this file. */
const MODULES = {
  findArithmetic: '../tools/arithmetic-in-text.ts',
  wantsClock: '../tools/clock.ts',
  findTimeZone: '../tools/time-zones.ts',
  findSmallTalk: './small-talk.ts',
  planToolCalls: './default-agent.ts',
  planMessage: './default-agent.ts',
} as const;

/** Loads the modules once (TypeScript through tsx, as the server runs in production), then answers batches. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const functions = import(workerData.tsxApi).then(async ({ register }) => {
  register();
  const entries = workerData.modules.map(async ([name, url]) => [name, (await import(url))[name]]);
  return Object.fromEntries(await Promise.all(entries));
});
functions.then(() => parentPort.postMessage('ready'));
parentPort.on('message', async ({ name, inputs }) => {
  const fn = (await functions)[name];
  parentPort.postMessage(inputs.map((input) => fn(input)));
});
`;

let worker: Worker;
/** Set once the worker is gone, so later tests fail at once instead of waiting for their timeout. */
let gone: Error | undefined;

beforeAll(async () => {
  const modules = Object.entries(MODULES).map(([name, path]) => [name, new URL(path, import.meta.url).href]);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { tsxApi, modules } });
  worker.once('exit', (code) => {
    gone = new Error(`the worker has exited (code ${code}), ended by an earlier test that failed`);
  });
  await nextReply(worker);
});

afterAll(() => worker.terminate());

function nextReply(from: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the worker exited with code ${code} before answering`));
    from.once('error', reject);
    from.once('exit', onExit);
    from.once('message', (value) => {
      from.off('error', reject);
      from.off('exit', onExit);
      resolve(value);
    });
  });
}

/** Runs every case in the worker and compares results by label, so a diff names the case that broke. */
async function expectResults<T>(name: keyof typeof MODULES, cases: [string, string, T][]): Promise<void> {
  // A worker still stuck in a timed-out batch would hold every later test hostage: end it.
  onTestFailed(async () => {
    await worker.terminate();
  });
  if (gone) throw gone;
  worker.postMessage({ name, inputs: cases.map(([, input]) => input) });
  const results = (await nextReply(worker)) as unknown[];
  const byLabel = (values: unknown[]) => Object.fromEntries(cases.map(([label], i) => [label, values[i]]));
  expect(byLabel(results)).toEqual(byLabel(cases.map(([, , expected]) => expected)));
}

const longest = `1${'+1'.repeat(249)}`;
const tooLong = `1${'+1'.repeat(250)}`;
const nested = `${'('.repeat(90)}6*7${')'.repeat(90)}`;
const tooDeep = `${'('.repeat(150)}6*7${')'.repeat(150)}`;
const noise = (tail: string) => `${'x'.repeat(MAX - tail.length - 1)} ${tail}`;

const ARITHMETIC: [string, string, string | undefined][] = [
  ['deep open parentheses, then 1+1', `${'('.repeat(MAX - 3)}1+1`, '1+1'],
  ['deep close parentheses', ')'.repeat(MAX), undefined],
  ['close parentheses, then 1+1', `${')'.repeat(MAX - 3)}1+1`, '1+1'],
  ['1+1, then spaces', `1+1${' '.repeat(MAX - 3)}`, '1+1'],
  ['spaces, then 1+1', `${' '.repeat(MAX - 3)}1+1`, '1+1'],
  ['1+1, then ideographic spaces', `1+1${'\u3000'.repeat(MAX - 3)}`, '1+1'],
  ['operators and spaces', atMax('+-*/%^×÷− '), undefined],
  ['operator parts split at commas, then 2*3', atMax('+-*/ ,', ',2*3'), '2*3'],
  ['dotted digits', atMax('1.'), undefined],
  ['dots', '.'.repeat(MAX), undefined],
  ['commas', ','.repeat(MAX), undefined],
  ['alternating (1', atMax('(1'), undefined],
  ['alternating (1, then 2*3 past a word', atMax('(1', ' x 2*3'), '2*3'],
  ['called function names', atMax('sqrt('), undefined],
  ['function names never called', atMax('sqrt '), undefined],
  ['a function name, spaces, then its call', `sqrt${' '.repeat(MAX - 8)}(16)`, undefined],
  ['exponent stubs', atMax('1e'), undefined],
  ['pi products', atMax('pi*'), undefined],
  ['thousands of candidates that fail, then one that works', atMax('1/0 x ', ' x 6 / 3'), '6 / 3'],
  ['the longest expression allowed, after noise', noise(longest), longest],
  ['an expression one character too long, after noise', noise(tooLong), undefined],
  ['nesting within the limit, after noise', noise(nested), nested],
  ['nesting too deep, after noise', noise(tooDeep), undefined],
];

const CLOCK: [string, string, boolean][] = [
  ['what, then spaces', `what${' '.repeat(MAX - 4)}`, false],
  ['what, spaces, then time', `what${' '.repeat(MAX - 8)}time`, true],
  ['what what what', atMax('what '), false],
  ['what is what is', atMax('what is '), false],
  ["what's what's", atMax("what's "), false],
  ['what is the current, then a question', atMax('what is the current ', ' what is the current time'), true],
  ['time time time', atMax('time '), false],
  ['timeout and update', atMax('timeout update '), false],
  ['spaces, then today', `${' '.repeat(MAX - 5)}today`, true],
  ['apostrophes', atMax("'"), false],
  ['words glued with underscores', atMax('what_time_'), false],
];

/** `head`, whitespace, then `tail`: exactly MAX characters, the two ends as far apart as they can be. */
const apart = (head: string, tail: string) => `${head}${' '.repeat(MAX - head.length - tail.length)}${tail}`;

const TIME_ZONES: [string, string, string | undefined][] = [
  ['in in in', atMax('in '), undefined],
  ['in in in, then a place', atMax('in ', ' in Tokyo'), 'Asia/Tokyo'],
  ['in, spaces, then a place', apart('in', 'Tokyo'), 'Asia/Tokyo'],
  ['spaces, then in and a place', apart('', 'in Tokyo'), 'Asia/Tokyo'],
  ['multi-word place prefixes', atMax('in port of '), undefined],
  ['multi-word place prefixes, then a place', atMax('in port of ', ' in Port of Spain'), 'America/Port_of_Spain'],
  ['unknown zone names', atMax('in a/b '), undefined],
  ['unknown zone names, then a listed one', atMax('in a/b ', ' in Asia/Tokyo'), 'Asia/Tokyo'],
  // Intl is asked about a few unknown names only, so an alias after thousands of them goes unread.
  ['unknown zone names, then an alias', atMax('in a/b ', ' in US/Pacific'), undefined],
  ['in, then one long word', `in ${'x'.repeat(MAX - 3)}`, undefined],
  ['in, then one long run of combining marks', `in a${'\u0303'.repeat(MAX - 4)}`, undefined],
  ['accented words after in', atMax('in São '), undefined],
  ['in glued to punctuation', atMax('in, '), undefined],
];

const SMALL_TALK: [string, string, { greeting?: string } | undefined][] = [
  ['hello, then spaces', apart('hello', ''), { greeting: 'Hello!' }],
  ['spaces, then help', apart('', 'help'), {}],
  ['hello, then exclamation marks', `hello${'!'.repeat(MAX - 5)}`, { greeting: 'Hello!' }],
  ['hi hi hi', atMax('hi '), undefined],
  ['what can you, then do', atMax('what can you ', ' do'), undefined],
  ['one long word of one repeated letter', 'i'.repeat(MAX), undefined],
  ['one long word', atMax('hi'), undefined],
  ['apostrophes', atMax("'"), undefined],
  ['combining marks', '\u0303'.repeat(MAX), undefined],
  ['emoji', atMax('👋'), undefined],
  ['CJK', '好'.repeat(MAX), undefined],
];

const docsSearch = (query: string): ToolRequest[] => [{ toolName: 'docs_search', args: { query, limit: 3 } }];
const calculator = (expression: string): ToolRequest => ({ toolName: 'calculator', args: { expression } });
const clock: ToolRequest = { toolName: 'clock', args: {} };
const clockIn = (timeZone: string): ToolRequest => ({ toolName: 'clock', args: { timeZone } });

const PLANS: [string, string, ToolRequest[]][] = [
  ['deep open parentheses, then 1+1', `${'('.repeat(MAX - 3)}1+1`, [calculator('1+1')]],
  ['deep close parentheses', ')'.repeat(MAX), docsSearch(')'.repeat(500))],
  ['what, spaces, then time', `what${' '.repeat(MAX - 8)}time`, [clock]],
  ['called function names, then a time question', atMax('sqrt(', ' what time is it'), [clock]],
  ['1+1, spaces, then today', `1+1${' '.repeat(MAX - 9)} today`, [calculator('1+1'), clock]],
  ['a failing candidate per word', atMax('1/0 x '), docsSearch(atMax('1/0 x ').slice(0, 500))],
  ['hello, then spaces', apart('hello', ''), []],
  ['hi hi hi, then a time question in a place', atMax('hi ', ' what time is it in Tokyo'), [clockIn('Asia/Tokyo')]],
  ['a time question, spaces, then in and a place', apart('what time is it in', 'Tokyo'), [clockIn('Asia/Tokyo')]],
  ['place prefixes, then a time question', atMax('in new ', ' what time is it'), [clock]],
];

type Plan = { kind: 'tools'; calls: ToolRequest[] } | { kind: 'small_talk'; talk: { greeting?: string } };

const MESSAGE_PLANS: [string, string, Plan][] = [
  ['hello, then spaces', apart('hello', ''), { kind: 'small_talk', talk: { greeting: 'Hello!' } }],
  ['spaces, then what can you do', apart('', 'what can you do?'), { kind: 'small_talk', talk: {} }],
  ['hi hi hi, then 1+1', atMax('hi ', ' 1+1'), { kind: 'tools', calls: [calculator('1+1')] }],
];

/** Generous: a loaded machine takes seconds, the regressions this guards against take hours. */
const TIMEOUT_MS = 30_000;

describe('the planner on worst-case messages of the maximum length', () => {
  it('builds every input at exactly the maximum length', () => {
    const all = [...ARITHMETIC, ...CLOCK, ...TIME_ZONES, ...SMALL_TALK, ...PLANS, ...MESSAGE_PLANS];
    for (const [label, input] of all) expect(input.length, label).toBe(MAX);
  });

  it(
    'findArithmetic should find exactly what a short message would yield',
    async () => {
      await expectResults('findArithmetic', ARITHMETIC);
    },
    TIMEOUT_MS,
  );

  it(
    'wantsClock should answer as for a short message',
    async () => {
      await expectResults('wantsClock', CLOCK);
    },
    TIMEOUT_MS,
  );

  it(
    'findTimeZone should find exactly the zone a short message would yield',
    async () => {
      await expectResults('findTimeZone', TIME_ZONES);
    },
    TIMEOUT_MS,
  );

  it(
    'findSmallTalk should answer as for a short message',
    async () => {
      await expectResults('findSmallTalk', SMALL_TALK);
    },
    TIMEOUT_MS,
  );

  it(
    'planMessage should tell small talk from questions as for a short message',
    async () => {
      await expectResults('planMessage', MESSAGE_PLANS);
    },
    TIMEOUT_MS,
  );

  it(
    'planToolCalls should plan the same tools',
    async () => {
      await expectResults('planToolCalls', PLANS);
    },
    TIMEOUT_MS,
  );

  it(
    'planToolCalls should read no more than the maximum length, whoever calls it',
    async () => {
      // Past the limit the 1+1 is never reached: what is read is parentheses only.
      const text = `${'('.repeat(3 * MAX)}1+1`;
      await expectResults('planToolCalls', [['three times the limit', text, docsSearch('('.repeat(500))]]);
    },
    TIMEOUT_MS,
  );
});
