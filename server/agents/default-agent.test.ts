/**
 * Tests for the default agent: what it plans for a message, how it phrases tool results, and
 * whole runs (real tools, a pinned clock, no pauses) down to the events and the answer.
 */
import { describe, expect, it } from 'vitest';
import { checkRunLifecycle, type PayloadOf, type RunEvent, type RunEventType } from '../../protocol';
import { RunContext } from '../runtime/run-context';
import { ToolDispatcher } from '../runtime/tool-dispatcher';
import { calculatorTool } from '../tools/calculator';
import { createClockTool } from '../tools/clock';
import { createDocsIndex, createDocsSearchTool } from '../tools/docs-search';
import { composeAnswerPart, createDefaultAgent, planMessage, planToolCalls } from './default-agent';
import { EXAMPLE_QUESTIONS, smallTalkAnswer } from './small-talk';

/** Saturday 28 November 2026, 03:15 UTC: 12:15 in Tokyo. */
const FIXED = Date.UTC(2026, 10, 28, 3, 15, 0);
const DOCS = [{ path: 'README.md', text: '# Tests\n\nRun the tests with npm test.\n' }];

/** Runs the default agent on `input` with real tools and a pinned clock; returns its events and answer. */
async function runAgent(input: string) {
  const events: RunEvent[] = [];
  const tools = [calculatorTool, createClockTool(() => FIXED), createDocsSearchTool(createDocsIndex(DOCS))];
  const context = new RunContext({
    threadId: 'th-1',
    runId: 'r-1',
    input,
    dispatcher: new ToolDispatcher(tools),
    emit: <T extends RunEventType>(type: T, payload: PayloadOf<T>) => {
      events.push({ type, threadId: 'th-1', runId: 'r-1', seq: events.length + 1, ts: 0, payload } as RunEvent);
    },
  });
  const summary = await context.execute(createDefaultAgent({ paceMs: 0 }));
  const thoughts = events.flatMap((event) => (event.type === 'agent_thinking' ? [event.payload] : []));
  return { events, summary, thoughts, types: events.map((event) => event.type) };
}

describe('planToolCalls', () => {
  it('plans the calculator for arithmetic', () => {
    expect(planToolCalls('what is 12 * (3 + 4)?')).toEqual([
      { toolName: 'calculator', args: { expression: '12 * (3 + 4)' } },
    ]);
  });

  it('plans the clock for a time question, alongside arithmetic', () => {
    expect(planToolCalls('what time is it, and what is 2 + 2?').map((call) => call.toolName)).toEqual([
      'calculator',
      'clock',
    ]);
  });

  it('searches the docs for any other question', () => {
    expect(planToolCalls('how do I run the tests?')).toEqual([
      { toolName: 'docs_search', args: { query: 'how do I run the tests?', limit: 3 } },
    ]);
  });

  it.each([
    ['what time is it in Tokyo?', 'Asia/Tokyo'],
    ['time in New York', 'America/New_York'],
    ["what's the time in paris", 'Europe/Paris'],
    ['date in Asia/Kolkata', 'Asia/Kolkata'],
    ['What is the time in los angeles right now?', 'America/Los_Angeles'],
    ['hi, what time is it in Buenos Aires?', 'America/Buenos_Aires'],
  ])('reads the clock in the place %j names', (message, timeZone) => {
    expect(planToolCalls(message)).toEqual([{ toolName: 'clock', args: { timeZone } }]);
  });

  it.each(['what time is it?', 'what time is it in Narnia?', 'what time is it in the UK?'])(
    'reads the server clock when %j names no known place',
    (message) => {
      expect(planToolCalls(message)).toEqual([{ toolName: 'clock', args: {} }]);
    },
  );

  it('looks for a place only in a time question', () => {
    expect(planToolCalls('how do I deploy in Tokyo?')).toEqual([
      { toolName: 'docs_search', args: { query: 'how do I deploy in Tokyo?', limit: 3 } },
    ]);
  });

  it('plans no tool for small talk', () => {
    expect(planToolCalls('hello')).toEqual([]);
    expect(planToolCalls('what can you do?')).toEqual([]);
  });
});

describe('planMessage', () => {
  it.each([
    ['hello', 'Hello!'],
    ['Hi!', 'Hi!'],
    ['hey there', 'Hey!'],
    ['good morning', 'Good morning!'],
  ])('answers the greeting %j with %j', (message, greeting) => {
    expect(planMessage(message)).toEqual({ kind: 'small_talk', talk: { greeting } });
  });

  it.each(['what can you do?', 'help', 'who are you?'])('answers %j without a greeting', (message) => {
    expect(planMessage(message)).toEqual({ kind: 'small_talk', talk: {} });
  });

  it.each([
    ['hi, what is 2+2?', [{ toolName: 'calculator', args: { expression: '2+2' } }]],
    ['hello, what time is it in Tokyo?', [{ toolName: 'clock', args: { timeZone: 'Asia/Tokyo' } }]],
    [
      'hi, how do I run the tests?',
      [{ toolName: 'docs_search', args: { query: 'hi, how do I run the tests?', limit: 3 } }],
    ],
  ])('answers %j with its tool, not a greeting', (message, calls) => {
    expect(planMessage(message)).toEqual({ kind: 'tools', calls });
  });

  it('plans, for each example question it suggests, a different tool that answers it', () => {
    const plans = EXAMPLE_QUESTIONS.map((question) => planToolCalls(question));
    expect(plans.map((calls) => calls.map((call) => call.toolName))).toEqual([
      ['calculator'],
      ['clock'],
      ['docs_search'],
      ['docs_search'],
    ]);
    expect(plans[1]).toEqual([{ toolName: 'clock', args: { timeZone: 'Asia/Tokyo' } }]);
  });
});

describe('composeAnswerPart', () => {
  const base = { toolCallId: 't-1' };
  const reading = { local: 'Saturday, 28 November 2026 at 12:15:00 GMT+9', iso: '2026-11-28T03:15:00.000Z' };

  it('phrases results and failures', () => {
    expect(
      composeAnswerPart({ ...base, ok: true, toolName: 'calculator', result: { expression: '2 + 2', value: 4 } }),
    ).toBe('2 + 2 = 4');
    expect(composeAnswerPart({ ...base, ok: false, toolName: 'clock', error: 'boom' })).toBe(
      'The clock tool failed: boom.',
    );
    expect(
      composeAnswerPart({ ...base, ok: true, toolName: 'docs_search', result: { query: 'zebra', hits: [] } }),
    ).toBe('I found nothing in the project docs about "zebra".');
  });

  it('names the place a clock was read for, as it was asked for', () => {
    const outcome = {
      ...base,
      ok: true as const,
      toolName: 'clock',
      result: { ...reading, timeZone: 'Asia/Calcutta' },
    };
    expect(composeAnswerPart(outcome, { toolName: 'clock', args: { timeZone: 'Asia/Kolkata' } })).toBe(
      'In Kolkata it is Saturday, 28 November 2026 at 12:15:00 GMT+9.',
    );
    expect(composeAnswerPart(outcome, { toolName: 'clock', args: {} })).toBe(
      'It is Saturday, 28 November 2026 at 12:15:00 GMT+9 (2026-11-28T03:15:00.000Z).',
    );
  });
});

describe('the default agent, run end to end', () => {
  it('greets, says what it can do and suggests questions, in three steps and without a tool', async () => {
    const { events, summary, thoughts, types } = await runAgent('hello');
    expect(checkRunLifecycle(events)).toEqual([]);
    expect(types).not.toContain('tool_executing');
    expect(thoughts).toEqual([
      { thought: 'Reading your message', step: 1, totalSteps: 3 },
      { thought: 'Planning: say hello and what I can do, no tool needed', step: 2, totalSteps: 3 },
      { thought: 'Writing the answer', step: 3, totalSteps: 3 },
    ]);
    expect(summary).toMatchObject({ status: 'success', text: smallTalkAnswer({ greeting: 'Hello!' }) });
    expect(summary.text).toMatch(/^Hello! /);
    for (const question of EXAMPLE_QUESTIONS) expect(summary.text).toContain(question);
    // Streamed word by word, as every answer is.
    expect(types.filter((type) => type === 'partial_result').length).toBe(summary.text.split(/\s+/).length);
  });

  it('answers a capability question without a greeting', async () => {
    const { summary, thoughts } = await runAgent('what can you do?');
    expect(thoughts[1]).toMatchObject({ thought: 'Planning: say what I can do, no tool needed', step: 2 });
    expect(summary.text).toBe(smallTalkAnswer({}));
    expect(summary.text).toMatch(/^I'm the assistant\./);
    expect(summary.text).toContain('calculator');
    expect(summary.text).toContain('clock');
    expect(summary.text).toContain('docs');
  });

  it('tells the time in the place asked for, from the pinned clock', async () => {
    const { events, summary, thoughts, types } = await runAgent('what time is it in Tokyo?');
    expect(checkRunLifecycle(events)).toEqual([]);
    expect(thoughts.map(({ thought }) => thought)).toEqual([
      'Reading your message',
      'Planning: read the clock in Asia/Tokyo',
      'Writing the answer',
    ]);
    expect(types.filter((type) => type === 'tool_executing')).toHaveLength(1);
    expect(summary).toMatchObject({
      status: 'success',
      text: 'In Tokyo it is Saturday, 28 November 2026 at 12:15:00 GMT+9.',
    });
  });

  it('answers a greeting with a question in it with the tool', async () => {
    const { summary } = await runAgent('hi, what is 2+2?');
    expect(summary).toMatchObject({ status: 'success', text: '2+2 = 4' });
  });
});
