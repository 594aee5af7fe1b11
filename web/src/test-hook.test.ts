import { describe, expect, it } from 'vitest';
import { reduce } from './state';
import { acceptedState, reduceAll, runEvents } from './test-fixtures';
import { createChatHarness } from './test-hook';

describe('createChatHarness', () => {
  it('combines connection, render and state counters', () => {
    const stranger = runEvents('run-x');
    const state = reduce(acceptedState(), stranger('partial_result', { delta: 'x' }));
    const hook = createChatHarness({
      getState: () => state,
      connectionStats: () => ({ framesReceived: 7, invalidFrames: 1 }),
      renderStats: () => ({ renders: 3, lastRenderAt: undefined }),
    });
    expect(hook.stats()).toEqual({
      framesReceived: 7,
      invalidFrames: 1,
      unknownRunEvents: 1,
      duplicateEvents: 0,
      renders: 3,
      lastRenderAt: null,
    });
  });

  it('lists the lifecycle result of every completed run only', () => {
    const good = runEvents('run-1', 'thread-1', 1);
    const bad = runEvents('run-2', 'thread-1', 3);
    const state = reduceAll(acceptedState(), [
      good('agent_started', { agentName: 'a', input: '' }),
      good('agent_completed', { status: 'success', durationMs: 1 }),
      { type: 'local/send', clientMessageId: 'c-2', text: 'again' },
      { type: 'message_accepted', clientMessageId: 'c-2', runId: 'run-2', threadId: 'thread-1' },
      bad('partial_result', { delta: 'no start' }),
      bad('agent_completed', { status: 'success', durationMs: 1 }),
      { type: 'local/send', clientMessageId: 'c-3', text: 'still pending' },
    ]);
    const hook = createChatHarness({
      getState: () => state,
      connectionStats: () => ({ framesReceived: 0, invalidFrames: 0 }),
      renderStats: () => ({ renders: 0, lastRenderAt: 5 }),
    });
    const result = hook.violations();
    expect(result.map((entry) => entry.runId)).toEqual(['run-1', 'run-2']);
    expect(result[0]?.violations).toEqual([]);
    expect(result[1]?.violations.map((violation) => violation.code)).toEqual(['missing_agent_started']);
  });
});
