import { describe, expect, it } from 'vitest';
import { type ChatState, canSend, LOST_RUN_MESSAGE, reduce } from './state';
import { acceptedState, reduceAll, runEvents, T0 } from './test-fixtures';
import type { Turn } from './turn';

const onlyTurn = (state: ChatState): Turn => {
  expect(state.turns).toHaveLength(1);
  return state.turns[0] as Turn;
};
describe('liveness', () => {
  const started = () => {
    const event = runEvents();
    return { event, state: reduce(acceptedState(), event('agent_started', { agentName: 'a', input: '' }), T0) };
  };

  it('never draws a keep-alive as a thought, and does not count it as progress', () => {
    const { event, state } = started();
    const thought = reduce(state, event('agent_thinking', { thought: 'Working', step: 1 }), T0 + 1_000);
    const kept = reduceAll(
      thought,
      [
        event('agent_thinking', { thought: 'Working', step: 1, keepAlive: true }),
        event('agent_thinking', { thought: 'Working', step: 1, keepAlive: true }),
      ],
      T0 + 9_000,
    );
    expect(onlyTurn(kept)).toMatchObject({ keepAlives: 2, lastProgressAt: T0 + 1_000, lastSeq: 4 });
    expect(onlyTurn(kept).thoughts).toEqual([{ text: 'Working', step: 1, totalSteps: undefined }]);
    expect(kept.lastSeq).toBe(4);
  });

  it('ends a run the server no longer runs when it answers a Stop with not_found', () => {
    const { event, state } = started();
    const stopping = reduceAll(state, [
      event('tool_executing', { toolCallId: 't-1', toolName: 'sleep', args: { ms: 9 } }),
      { type: 'local/cancel', runId: 'run-1', clientMessageId: 'stop-1' },
    ]);
    expect(onlyTurn(stopping)).toMatchObject({ cancelRequested: true, cancelId: 'stop-1', stopRequestedAt: T0 });
    const ended = reduce(stopping, {
      type: 'error',
      code: 'not_found',
      message: 'run run-1 is not running',
      clientMessageId: 'stop-1',
    });
    expect(onlyTurn(ended)).toMatchObject({ state: 'interrupted', error: LOST_RUN_MESSAGE, cancelRequested: false });
    expect(onlyTurn(ended).toolCalls[0]).toMatchObject({ state: 'error' });
    expect(ended.errors).toEqual([]);
    expect(canSend(ended)).toBe(true);
  });

  it('lets the user try again when a Stop is refused for a passing reason', () => {
    const { state } = started();
    const refused = reduceAll(state, [
      { type: 'local/cancel', runId: 'run-1', clientMessageId: 'stop-1' },
      { type: 'error', code: 'rate_limited', message: 'slow down', clientMessageId: 'stop-1' },
    ]);
    expect(onlyTurn(refused)).toMatchObject({ state: 'running', cancelRequested: false });
    expect(refused.errors.map((error) => error.message)).toEqual(['Could not stop the run: slow down']);
  });

  it('ends the turn when the server never confirms a Stop, after the bound', () => {
    const { state } = started();
    const stopping = reduce(state, { type: 'local/cancel', runId: 'run-1', clientMessageId: 'stop-1' }, T0);
    const { stopTimeoutMs } = stopping.liveness;
    expect(onlyTurn(reduce(stopping, { type: 'local/tick' }, T0 + stopTimeoutMs - 1)).state).toBe('running');
    const ended = reduce(stopping, { type: 'local/tick' }, T0 + stopTimeoutMs);
    expect(onlyTurn(ended).state).toBe('interrupted');
    expect(onlyTurn(ended).error).toMatch(/did not confirm the stop within 10 s/);
  });

  it('takes the server word over its own once the completion comes after all', () => {
    const { event, state } = started();
    const lost = reduceAll(state, [
      { type: 'local/cancel', runId: 'run-1', clientMessageId: 'stop-1' },
      { type: 'error', code: 'not_found', message: 'gone', clientMessageId: 'stop-1' },
    ]);
    const late = reduce(lost, event('agent_completed', { status: 'cancelled', durationMs: 5 }));
    expect(onlyTurn(late).state).toBe('cancelled');
  });

  it('ends a run with the reason when an error names it', () => {
    const { state } = started();
    const failed = reduce(state, {
      type: 'error',
      code: 'unavailable',
      message: 'the server could not save this run',
      runId: 'run-1',
    });
    expect(onlyTurn(failed)).toMatchObject({ state: 'failed', error: 'the server could not save this run' });
  });

  it('moves the clock on every tick, and on nothing else that changes nothing', () => {
    const { state } = started();
    expect(reduce(state, { type: 'local/tick' }, T0 + 500).now).toBe(T0 + 500);
    expect(reduce(state, { type: 'pong' }, T0 + 500)).toBe(state);
  });
});

describe('new chat', () => {
  it('forgets the conversation, ignores its thread and the reply to the Stop it sent', () => {
    const event = runEvents();
    const state = reduceAll(acceptedState(), [
      event('agent_started', { agentName: 'a', input: '' }),
      { type: 'local/cancel', runId: 'run-1', clientMessageId: 'stop-1' },
      { type: 'local/new-chat', cancelId: 'stop-1' },
    ]);
    expect(state).toMatchObject({ turns: [], threadId: undefined, lastSeq: 0, leftThreads: ['thread-1'] });
    expect(canSend(state)).toBe(true);
    const after = reduceAll(state, [
      { type: 'error', code: 'not_found', message: 'run run-1 is not running', clientMessageId: 'stop-1' },
      event('agent_completed', { status: 'cancelled', durationMs: 1 }),
      runEvents('run-old', 'thread-1', 9)('agent_started', { agentName: 'a', input: 'x' }),
    ]);
    expect(after.errors).toEqual([]);
    expect(after.turns).toEqual([]);
    expect(after.unknownRunEvents).toBe(2);
  });

  it('does not let a message left before it was accepted take the new chat over', () => {
    const sent = reduceAll(acceptedState(), [
      runEvents()('agent_completed', { status: 'success', durationMs: 1 }),
      { type: 'local/send', clientMessageId: 'c-2', text: 'slow to accept' },
      { type: 'local/new-chat' },
    ]);
    expect(sent.leftMessages).toEqual(['c-2']);
    const after = reduceAll(sent, [
      { type: 'message_accepted', clientMessageId: 'c-2', runId: 'run-2', threadId: 'thread-9' },
      runEvents('run-2', 'thread-9')('agent_started', { agentName: 'a', input: 'slow to accept' }),
    ]);
    expect(after).toMatchObject({ turns: [], threadId: undefined });
    expect(after.leftThreads).toContain('thread-9');
    expect(canSend(after)).toBe(true);
  });
});

describe('turns the page ends itself', () => {
  const lostAfterStop = () => {
    const event = runEvents();
    const state = reduceAll(acceptedState(), [
      event('agent_started', { agentName: 'a', input: '' }),
      { type: 'local/cancel', runId: 'run-1', clientMessageId: 'stop-1' },
      { type: 'error', code: 'not_found', message: 'gone', clientMessageId: 'stop-1' },
    ]);
    return { event, state };
  };

  it('draws nothing more into an ended turn but its real end', () => {
    const { event, state } = lostAfterStop();
    const late = reduceAll(state, [
      event('tool_executing', { toolCallId: 't-9', toolName: 'x', args: {} }),
      event('partial_result', { delta: 'late' }),
      event('agent_thinking', { thought: 'late', step: 2 }),
    ]);
    expect(onlyTurn(late)).toMatchObject({ state: 'interrupted', text: '', toolCalls: [], thoughts: [], lastSeq: 4 });
    expect(onlyTurn(late).events?.length).toBe(4);
  });

  it('ignores the answer to a Stop that reached the server after the run had ended', () => {
    const event = runEvents();
    const state = reduceAll(acceptedState(), [
      event('agent_started', { agentName: 'a', input: '' }),
      { type: 'local/cancel', runId: 'run-1', clientMessageId: 'stop-1' },
      event('agent_completed', { status: 'success', durationMs: 1 }),
      { type: 'error', code: 'not_found', message: 'run run-1 is not running', clientMessageId: 'stop-1' },
    ]);
    expect(onlyTurn(state).state).toBe('completed');
    expect(state.errors).toEqual([]);
  });

  it('dates a replayed turn from its run’s start, never later than now', () => {
    const restored = reduceAll(acceptedState(), [
      { type: 'local/new-chat' },
      { type: 'local/restore', threadId: 't-2' },
    ]);
    const started = runEvents('run-old', 't-2')('agent_started', { agentName: 'a', input: 'x' });
    expect(onlyTurn(reduce(restored, { ...started, ts: T0 - 90_000 }, T0)).startedAt).toBe(T0 - 90_000);
    expect(onlyTurn(reduce(restored, { ...started, ts: T0 + 5_000 }, T0)).startedAt).toBe(T0);
  });
});
