import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol';
import { initialState, reduce } from './state';
import { createTurn, type ToolCall, type Turn } from './turn';
import {
  connectionBannerText,
  elapsedText,
  livenessNoticeText,
  MAX_TOOL_ARGS_TEXT,
  reasoningSummaryText,
  thinkingMs,
  thoughtStepText,
  toolArgsText,
  toolDetailText,
  turnStatusText,
  violationText,
} from './view-text';

const turn = (fields: Partial<Turn>): Turn => ({ ...createTurn('c-1', 'Hi', 0), ...fields });
const call = (fields: Partial<ToolCall>): ToolCall => ({
  toolCallId: 'tc',
  toolName: 'search',
  args: {},
  state: 'running',
  ...fields,
});

describe('thoughtStepText', () => {
  it('shows the step out of the total, or the step alone', () => {
    expect(thoughtStepText({ text: 'x', step: 2, totalSteps: 4 })).toBe('2/4');
    expect(thoughtStepText({ text: 'x', step: 3 })).toBe('3');
  });
});

describe('turnStatusText', () => {
  it('describes a turn before and while it runs', () => {
    expect(turnStatusText(turn({}))).toBe('Sending…');
    expect(turnStatusText(turn({ state: 'running' }))).toBe('Starting…');
    expect(turnStatusText(turn({ state: 'running', agentName: 'researcher' }))).toBe('researcher is starting…');
    const thought = { text: 'Planning which tools to use', step: 2, totalSteps: 4 };
    const thoughts = [{ text: 'Reading', step: 1, totalSteps: 4 }, thought];
    expect(turnStatusText(turn({ state: 'running', thoughts }))).toBe('Thinking (2/4): Planning which tools to use');
    expect(turnStatusText(turn({ state: 'running', thoughts: [{ text: 'Hmm', step: 3 }] }))).toBe('Thinking (3): Hmm');
    expect(turnStatusText(turn({ state: 'running', thoughts, cancelRequested: true }))).toBe('Stopping…');
    // Once ended, the outcome replaces the last thought.
    expect(turnStatusText(turn({ state: 'completed', durationMs: 10, thoughts }))).toBe('Completed in 10 ms');
  });

  it('describes how the run ended', () => {
    expect(turnStatusText(turn({ state: 'completed', durationMs: 1234 }))).toBe('Completed in 1.2 s');
    expect(turnStatusText(turn({ state: 'failed', error: 'Model unavailable' }))).toBe('Failed: Model unavailable');
    expect(turnStatusText(turn({ state: 'failed' }))).toBe('Failed: unknown error');
    expect(turnStatusText(turn({ state: 'cancelled', durationMs: 800 }))).toBe('Cancelled after 800 ms');
    expect(turnStatusText(turn({ state: 'cancelled', durationMs: 812.4 }))).toBe('Cancelled after 812 ms');
    expect(turnStatusText(turn({ state: 'interrupted', error: 'the server restarted' }))).toBe(
      'Interrupted: the server restarted',
    );
  });
});

describe('toolDetailText', () => {
  it('shows progress while running, then the duration or the error', () => {
    expect(toolDetailText(call({}))).toBe('running');
    expect(toolDetailText(call({ progress: 0.426 }))).toBe('43%');
    expect(toolDetailText(call({ progress: 0.5, progressMessage: 'Page 2 of 4' }))).toBe('50% · Page 2 of 4');
    expect(toolDetailText(call({ state: 'success', durationMs: 12 }))).toBe('12 ms');
    expect(toolDetailText(call({ state: 'success', durationMs: 1200 }))).toBe('1.2 s');
    expect(toolDetailText(call({ state: 'error', error: 'timeout', durationMs: 5 }))).toBe('timeout');
  });
});

describe('violationText', () => {
  it('names the message and the code', () => {
    const text = violationText({ code: 'seq_gap', message: 'seq jumps from 1 to 3', threadId: 't' });
    expect(text).toBe('Protocol violation: seq jumps from 1 to 3 (seq_gap)');
  });
});

describe('connectionBannerText', () => {
  it('is hidden while open and tells connecting from reconnecting', () => {
    expect(connectionBannerText(initialState)).toBe('Connecting…');
    const open = reduce(initialState, { type: 'local/connection', status: 'open' });
    expect(connectionBannerText(open)).toBeUndefined();
    const closed = reduce(open, { type: 'local/connection', status: 'closed' });
    expect(connectionBannerText(closed)).toBe('Connection lost, reconnecting…');
    expect(connectionBannerText(reduce(closed, { type: 'local/connection', status: 'connecting' }))).toBe(
      'Connection lost, reconnecting…',
    );
  });

  it('says a past chat is opening, not that the connection was lost, while the page switches sockets', () => {
    const open = reduce(initialState, { type: 'local/connection', status: 'open' });
    const switching = reduce(open, { type: 'local/restore', threadId: 'th-2', switching: true });
    const closed = reduce(switching, { type: 'local/connection', status: 'closed' });
    expect(connectionBannerText(closed)).toBe('Opening the chat…');
    // What the old socket still delivers for the picked thread is not applied: the new socket replays it all.
    const late = reduce(closed, {
      type: 'agent_started',
      threadId: 'th-2',
      runId: 'r-9',
      seq: 7,
      ts: 1,
      payload: { agentName: 'assistant', input: 'hi' },
    });
    expect(late.lastSeq).toBe(0);
    expect(late.turns).toEqual([]);
    const reopened = reduce(late, { type: 'local/connection', status: 'open' });
    expect(connectionBannerText(reopened)).toBeUndefined();
    expect(reopened.switchingThread).toBeUndefined();
  });
});

describe('elapsedText and livenessNoticeText', () => {
  it('shows the running time, and a notice only while no progress is made', () => {
    const live = { level: 'live', elapsedMs: 12_300, quietMs: 300 } as const;
    expect(elapsedText(live)).toBe('Running for 12 s');
    expect(livenessNoticeText(live, 60_000)).toBeUndefined();
    expect(livenessNoticeText({ ...live, level: 'quiet', quietMs: 40_900 }, 60_000)).toBe(
      'Still working, 40 s without progress',
    );
    // Stable text, so an alert is read once rather than every second.
    expect(livenessNoticeText({ ...live, level: 'stuck', quietMs: 75_000 }, 60_000)).toBe(
      'This run seems stuck: no progress for over 1 min 00 s. Stop it, or keep waiting.',
    );
  });
});

describe('toolArgsText', () => {
  it('shows arguments as compact JSON, nothing for none, and cuts long ones', () => {
    expect(toolArgsText({ expression: '6 * 7' })).toBe('{"expression":"6 * 7"}');
    expect(toolArgsText({})).toBe('');
    expect(toolArgsText(null)).toBe('');
    expect(toolArgsText(undefined)).toBe('');
    const long = toolArgsText({ query: 'x'.repeat(500) });
    expect(long).toHaveLength(MAX_TOOL_ARGS_TEXT);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('reasoningSummaryText', () => {
  const at = (type: RunEvent['type'], ts: number) => ({ type, ts }) as RunEvent;

  it('says the agent is thinking while the run goes, then how long it worked before answering', () => {
    const events = [at('agent_started', 1_000), at('agent_thinking', 1_100), at('partial_result', 2_234)];
    expect(reasoningSummaryText(true, events)).toBe('Thinking…');
    expect(thinkingMs(events)).toBe(1_234);
    expect(reasoningSummaryText(false, events)).toBe('Thought for 1.2 s');
  });

  it('counts to the end of a run that never answered, and falls back when no start arrived', () => {
    expect(reasoningSummaryText(false, [at('agent_started', 0), at('agent_completed', 350)])).toBe(
      'Thought for 350 ms',
    );
    expect(reasoningSummaryText(false, [at('agent_thinking', 5)])).toBe('Thoughts');
  });
});
