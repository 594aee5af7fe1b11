import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../protocol';
import type { TurnCommit } from '../capture/commits';
import { missingProgress, type ToolLookup } from './progress-check';

const base = { threadId: 't', runId: 'r', ts: 0 };
const progress = (seq: number, value: number, keepAlive?: true): RunEvent => ({
  ...base,
  type: 'tool_progress',
  seq,
  payload: { toolCallId: 't-1', progress: value, ...(keepAlive ? { keepAlive } : {}) },
});
const completed = (seq: number): RunEvent => ({
  ...base,
  type: 'tool_completed',
  seq,
  payload: { toolCallId: 't-1', toolName: 'sleep', status: 'success', durationMs: 1 },
});
const commit = (at: number, tool?: { state: string; progress?: number }): TurnCommit => ({
  at,
  turnIndex: 0,
  state: 'running',
  answerLength: 0,
  answerChars: 0,
  thoughts: [],
  tools: tool ? [{ id: 't-1', name: 'sleep', ...tool }] : [],
  elapsed: '',
  stall: false,
  stuck: false,
});
const byId: ToolLookup = (c, id) => c.tools.find((tool) => tool.id === id);

describe('missingProgress', () => {
  it('passes when each value was drawn at the first commit after it arrived', () => {
    const events = [progress(3, 0.25), progress(4, 0.5), completed(5)];
    const commits = [commit(10, { state: 'running', progress: 25 }), commit(20, { state: 'running', progress: 50 })];
    expect(missingProgress(events, [5, 15, 25], commits, byId)).toEqual([]);
  });

  it('accepts a value superseded before a commit by a later one, or by the completion', () => {
    const events = [progress(3, 0.25), progress(4, 0.5), completed(5)];
    expect(missingProgress(events, [5, 6, 30], [commit(10, { state: 'running', progress: 50 })], byId)).toEqual([]);
    expect(missingProgress(events, [5, 6, 7], [commit(10, { state: 'success' })], byId)).toEqual([]);
  });

  it('names a value the page never drew', () => {
    const events = [progress(3, 0.25), completed(5)];
    expect(
      missingProgress(events, [5, 15], [commit(10, { state: 'running' }), commit(20, { state: 'success' })], byId),
    ).toEqual([
      'tool_progress seq 3 (25%) for call t-1: the first commit after it arrived showed no progress, not 25%',
    ]);
    expect(missingProgress(events, [5, 15], [], byId)).toEqual([
      'tool_progress seq 3 (25%) for call t-1: no commit was drawn after it arrived',
    ]);
  });

  it('owes nothing for a keep-alive', () => {
    expect(missingProgress([progress(3, 0, true)], [5], [], byId)).toEqual([]);
  });
});
