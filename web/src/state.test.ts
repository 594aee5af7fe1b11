import { describe, expect, it } from 'vitest';
import { activeTurn, type ChatState, canSend, initialState, MAX_GLOBAL_ERRORS, reduce } from './state';
import { acceptedState, reduceAll, runEvents } from './test-fixtures';
import type { Turn } from './turn';

const onlyTurn = (state: ChatState): Turn => {
  expect(state.turns).toHaveLength(1);
  return state.turns[0] as Turn;
};

describe('sending and acceptance', () => {
  it('creates a pending turn on local/send and starts it on message_accepted', () => {
    const sent = reduceAll(initialState, [
      { type: 'local/connection', status: 'open' },
      { type: 'local/send', clientMessageId: 'c-1', text: 'Hi there' },
    ]);
    expect(onlyTurn(sent)).toMatchObject({ clientMessageId: 'c-1', userText: 'Hi there', state: 'pending' });
    expect(onlyTurn(sent).runId).toBeUndefined();
    expect(canSend(sent)).toBe(false);

    const accepted = reduce(sent, { type: 'message_accepted', clientMessageId: 'c-1', runId: 'r-1', threadId: 't-1' });
    expect(onlyTurn(accepted)).toMatchObject({ runId: 'r-1', state: 'running' });
    expect(accepted.threadId).toBe('t-1');
    expect(activeTurn(accepted)?.runId).toBe('r-1');
  });

  it('follows the thread the server accepted a message into, numbering its seq afresh', () => {
    const event = runEvents('r-1', 't-1');
    const state = reduceAll(acceptedState('r-1', 'c-1', 't-1'), [
      event('agent_started', { agentName: 'a', input: 'Hello' }),
      event('agent_completed', { status: 'success', durationMs: 5 }),
      { type: 'local/send', clientMessageId: 'c-2', text: 'Again' },
      { type: 'message_accepted', clientMessageId: 'c-2', runId: 'r-2', threadId: 't-other' },
    ]);
    expect(state).toMatchObject({ threadId: 't-other', lastSeq: 0 });
    expect(state.turns.map((turn) => turn.runId)).toEqual(['r-1', 'r-2']);
  });

  it('ignores message_accepted for an unknown or already accepted message', () => {
    const state = acceptedState();
    expect(reduce(state, { type: 'message_accepted', clientMessageId: 'nope', runId: 'r-9', threadId: 't' })).toBe(
      state,
    );
    expect(reduce(state, { type: 'message_accepted', clientMessageId: 'c-1', runId: 'r-9', threadId: 't' })).toBe(
      state,
    );
  });
});

describe('run events', () => {
  it('applies every event type of a successful run', () => {
    const event = runEvents();
    const state = reduceAll(acceptedState(), [
      event('agent_started', { agentName: 'researcher', input: 'Hello' }),
      event('agent_thinking', { thought: 'Planning which tools to use', step: 2, totalSteps: 4 }),
      event('tool_executing', { toolCallId: 'tc-1', toolName: 'search', args: { q: 'x' } }),
      event('tool_progress', { toolCallId: 'tc-1', progress: 0.5, message: 'Half way' }),
      event('tool_completed', { toolCallId: 'tc-1', toolName: 'search', status: 'success', durationMs: 12 }),
      event('partial_result', { delta: 'Hello, ' }),
      event('partial_result', { delta: 'world' }),
    ]);
    const running = onlyTurn(state);
    expect(running).toMatchObject({
      state: 'running',
      agentName: 'researcher',
      thoughts: [{ text: 'Planning which tools to use', step: 2, totalSteps: 4 }],
      text: 'Hello, world',
    });
    expect(running.toolCalls).toEqual([
      {
        toolCallId: 'tc-1',
        toolName: 'search',
        args: { q: 'x' },
        state: 'success',
        progress: 0.5,
        progressMessage: 'Half way',
        durationMs: 12,
        error: undefined,
      },
    ]);
    expect(state.lastSeq).toBe(7);

    const done = onlyTurn(
      reduce(state, event('agent_completed', { status: 'success', text: 'ignored', durationMs: 1234 })),
    );
    expect(done).toMatchObject({ state: 'completed', durationMs: 1234, text: 'Hello, world' });
    expect(done.events?.length).toBe(8);
    expect(done.violations).toEqual([]);
  });

  it('tracks tool progress, then marks the call as an error', () => {
    const event = runEvents();
    const started = reduceAll(acceptedState(), [
      event('agent_started', { agentName: 'a', input: '' }),
      event('tool_executing', { toolCallId: 'tc-1', toolName: 'fetch', args: {} }),
    ]);
    expect(onlyTurn(started).toolCalls[0]).toMatchObject({ state: 'running' });
    expect(onlyTurn(started).toolCalls[0]?.progress).toBeUndefined();

    const progressed = reduce(started, event('tool_progress', { toolCallId: 'tc-1', progress: 0.25 }));
    expect(onlyTurn(progressed).toolCalls[0]).toMatchObject({ state: 'running', progress: 0.25 });

    const failed = reduce(
      progressed,
      event('tool_completed', {
        toolCallId: 'tc-1',
        toolName: 'fetch',
        status: 'error',
        error: 'timeout',
        durationMs: 30,
      }),
    );
    expect(onlyTurn(failed).toolCalls[0]).toMatchObject({ state: 'error', error: 'timeout', durationMs: 30 });
  });

  it('keeps tool calls in order and ignores progress for unknown calls', () => {
    const event = runEvents();
    const state = reduceAll(acceptedState(), [
      event('agent_started', { agentName: 'a', input: '' }),
      event('tool_executing', { toolCallId: 'b', toolName: 'second', args: null }),
      event('tool_executing', { toolCallId: 'a', toolName: 'first', args: null }),
      event('tool_progress', { toolCallId: 'zzz', progress: 1 }),
    ]);
    expect(onlyTurn(state).toolCalls.map((call) => call.toolCallId)).toEqual(['b', 'a']);
    expect(onlyTurn(state).toolCalls.every((call) => call.progress === undefined)).toBe(true);
  });

  it('appends each agent_thinking to the thoughts and keeps them after the run completes', () => {
    const event = runEvents();
    const thinking = reduceAll(acceptedState(), [
      event('agent_started', { agentName: 'a', input: '' }),
      event('agent_thinking', { thought: 'First', step: 1, totalSteps: 2 }),
      event('agent_thinking', { thought: 'Second', step: 2 }),
    ]);
    expect(onlyTurn(thinking).thoughts).toEqual([
      { text: 'First', step: 1, totalSteps: 2 },
      { text: 'Second', step: 2, totalSteps: undefined },
    ]);
    const done = reduce(thinking, event('agent_completed', { status: 'success', durationMs: 10 }));
    expect(onlyTurn(done).thoughts.map((thought) => thought.text)).toEqual(['First', 'Second']);
  });

  it('uses agent_completed.text when nothing was streamed', () => {
    const event = runEvents();
    const state = reduceAll(acceptedState(), [
      event('agent_started', { agentName: 'a', input: '' }),
      event('agent_completed', { status: 'success', text: 'Whole answer', durationMs: 3 }),
    ]);
    expect(onlyTurn(state).text).toBe('Whole answer');
  });

  it('ends failed and cancelled runs with their error and duration', () => {
    const failedEvent = runEvents();
    const failed = reduceAll(acceptedState(), [
      failedEvent('agent_started', { agentName: 'a', input: '' }),
      failedEvent('agent_completed', { status: 'failed', error: 'Model unavailable', durationMs: 40 }),
    ]);
    expect(onlyTurn(failed)).toMatchObject({ state: 'failed', error: 'Model unavailable', durationMs: 40 });
    expect(canSend(failed)).toBe(true);

    const cancelledEvent = runEvents();
    const cancelled = reduceAll(acceptedState(), [
      cancelledEvent('agent_started', { agentName: 'a', input: '' }),
      { type: 'local/cancel', runId: 'run-1' },
    ]);
    expect(onlyTurn(cancelled).cancelRequested).toBe(true);
    const ended = reduce(cancelled, cancelledEvent('agent_completed', { status: 'cancelled', durationMs: 800 }));
    expect(onlyTurn(ended)).toMatchObject({ state: 'cancelled', durationMs: 800 });
    expect(activeTurn(ended)).toBeUndefined();
  });

  it('reports lifecycle violations when the run completes, and for late events', () => {
    const event = runEvents();
    const state = reduceAll(acceptedState(), [
      event('agent_started', { agentName: 'a', input: '' }),
      event('tool_executing', { toolCallId: 'tc-1', toolName: 'search', args: {} }),
      event('agent_completed', { status: 'success', durationMs: 1 }),
    ]);
    expect(onlyTurn(state).violations?.map((v) => v.code)).toEqual(['tool_not_completed']);

    const late = reduce(state, event('partial_result', { delta: 'late' }));
    expect(onlyTurn(late).text).toBe('');
    expect(onlyTurn(late).violations?.map((v) => v.code)).toEqual(['tool_not_completed', 'event_after_completed']);
  });

  it('does not require seq to start at one, but reports gaps', () => {
    const event = runEvents('run-1', 'thread-1', 40);
    const state = reduceAll(acceptedState(), [
      event('agent_started', { agentName: 'a', input: '' }),
      { ...event('partial_result', { delta: 'x' }), seq: 45 },
      { ...event('agent_completed', { status: 'success', durationMs: 1 }), seq: 46 },
    ]);
    expect(onlyTurn(state).violations?.map((v) => v.code)).toEqual(['seq_gap']);
  });

  it('shows a tool_completed without tool_executing, and the violation', () => {
    const event = runEvents();
    const state = reduceAll(acceptedState(), [
      event('agent_started', { agentName: 'a', input: '' }),
      event('tool_completed', { toolCallId: 'ghost', toolName: 'x', status: 'success', durationMs: 2 }),
      event('agent_completed', { status: 'success', durationMs: 3 }),
    ]);
    expect(onlyTurn(state).toolCalls).toMatchObject([{ toolCallId: 'ghost', state: 'success' }]);
    expect(onlyTurn(state).violations?.map((v) => v.code)).toEqual(['tool_completed_without_executing']);
  });

  it('ignores but counts events of another thread, and unknown runs that do not start', () => {
    const state = acceptedState();
    const next = reduceAll(state, [
      runEvents('run-x', 'thread-other')('agent_started', { agentName: 'a', input: '' }),
      runEvents('run-unknown')('partial_result', { delta: 'x' }),
    ]);
    expect(next.unknownRunEvents).toBe(2);
    expect(next.turns).toBe(state.turns);
  });

  it('rebuilds turns from a replayed history, taking the user text from agent_started', () => {
    const restored = reduceAll(initialState, [
      { type: 'local/connection', status: 'open' },
      { type: 'local/restore', threadId: 'thread-1' },
    ]);
    const event = runEvents('run-old', 'thread-1');
    const state = reduceAll(restored, [
      event('agent_started', { agentName: 'assistant', input: 'what is 2 + 2?' }),
      event('partial_result', { delta: '4' }),
      event('agent_completed', { status: 'success', durationMs: 3 }),
    ]);
    expect(state.turns).toHaveLength(1);
    expect(state.turns[0]).toMatchObject({
      runId: 'run-old',
      userText: 'what is 2 + 2?',
      text: '4',
      state: 'completed',
    });
    expect(state.lastSeq).toBe(3);
  });

  it('drops events whose seq was already applied, so a replay after reconnect shows each once', () => {
    const event = runEvents();
    const started = event('agent_started', { agentName: 'a', input: 'Hello' });
    const delta = event('partial_result', { delta: 'once' });
    const state = reduceAll(acceptedState(), [started, delta, started, delta]);
    expect(state.turns[0]?.text).toBe('once');
    expect(state.duplicateEvents).toBe(2);
  });

  it('forgets a thread the server no longer knows when its resume fails, ending its open turns', () => {
    const state = reduceAll(acceptedState(), [
      { type: 'local/resume', clientMessageId: 'resume-1' },
      { type: 'error', code: 'forbidden', message: 'this thread belongs to another user', clientMessageId: 'resume-1' },
    ]);
    expect(state).toMatchObject({ threadId: undefined, lastSeq: 0, errors: [] });
    expect(state.turns[0]).toMatchObject({
      state: 'failed',
      error: 'Could not resume: this thread belongs to another user',
    });
    expect(canSend(state)).toBe(true);
  });

  it('keeps its thread when a resume fails for a passing reason', () => {
    const state = reduceAll(acceptedState(), [
      { type: 'local/resume', clientMessageId: 'resume-1' },
      { type: 'error', code: 'rate_limited', message: 'slow down', clientMessageId: 'resume-1' },
    ]);
    expect(state).toMatchObject({ threadId: 'thread-1', resumeId: undefined });
    expect(state.turns[0]?.state).toBe('running');
  });

  it('handles a 10,000-delta burst cheaply and without losing text', () => {
    const event = runEvents();
    let state = reduce(acceptedState(), event('agent_started', { agentName: 'a', input: '' }));
    const before = state;
    let shared = true;
    for (let index = 0; index < 10_000; index++) {
      const previous = onlyTurn(state).events;
      state = reduce(state, event('partial_result', { delta: `${index % 10}` }));
      // Cheap without a clock: each event adds one node onto the log it was given, copying nothing.
      shared &&= onlyTurn(state).events?.before === previous;
    }
    state = reduce(state, event('agent_completed', { status: 'success', durationMs: 5000 }));
    expect(shared).toBe(true);

    const turn = onlyTurn(state);
    expect(turn.text).toHaveLength(10_000);
    expect(turn.text.slice(0, 12)).toBe('012345678901');
    expect(turn.events?.length).toBe(10_002);
    expect(turn.violations).toEqual([]);
    expect(state.lastSeq).toBe(10_002);
    expect(onlyTurn(before).text).toBe('');
    expect(onlyTurn(before).events?.length).toBe(1);
  });
});

describe('errors', () => {
  it('fails the pending turn whose clientMessageId matches', () => {
    const sent = reduceAll(initialState, [
      { type: 'local/connection', status: 'open' },
      { type: 'local/send', clientMessageId: 'c-1', text: 'Hi' },
    ]);
    const state = reduce(sent, {
      type: 'error',
      code: 'thread_busy',
      message: 'thread t has run r',
      clientMessageId: 'c-1',
    });
    // In the user's words: the server's names ids.
    expect(onlyTurn(state)).toMatchObject({
      state: 'failed',
      error: 'the previous run of this conversation is still going on the server; wait for it, or start a New chat',
    });
    expect(state.errors).toEqual([]);
    expect(canSend(state)).toBe(true);
  });

  it('starts a new thread after the server no longer knows the current one', () => {
    const event = runEvents();
    const state = reduceAll(acceptedState(), [
      event('agent_completed', { status: 'success', durationMs: 1 }),
      { type: 'local/send', clientMessageId: 'c-2', text: 'Again' },
      { type: 'error', code: 'not_found', message: 'unknown thread', clientMessageId: 'c-2' },
    ]);
    expect(state.threadId).toBeUndefined();
  });

  it('lists errors without a matching pending turn as global errors, keeping the latest', () => {
    let state = reduce(acceptedState(), { type: 'error', code: 'not_found', message: 'no such run' });
    state = reduce(state, { type: 'error', code: 'invalid_message', message: 'late', clientMessageId: 'c-1' });
    expect(state.errors).toEqual([
      { id: 1, code: 'not_found', message: 'no such run' },
      { id: 2, code: 'invalid_message', message: 'late' },
    ]);
    expect(state.turns[0]?.state).toBe('running');

    for (let index = 0; index < 50; index++) {
      state = reduce(state, { type: 'error', code: 'bad_json', message: `e${index}` });
    }
    expect(state.errors).toHaveLength(MAX_GLOBAL_ERRORS);
    expect(state.errors.at(-1)).toMatchObject({ id: 52, message: 'e49' });
  });
});

describe('connection', () => {
  it('tracks the status and whether it was ever open', () => {
    expect(initialState.connection).toBe('connecting');
    const open = reduce(initialState, { type: 'local/connection', status: 'open' });
    expect(open).toMatchObject({ connection: 'open', hasConnected: true });
    expect(canSend(open)).toBe(true);
    const closed = reduce(open, { type: 'local/connection', status: 'closed' });
    expect(closed).toMatchObject({ connection: 'closed', hasConnected: true });
    expect(canSend(closed)).toBe(false);
  });

  it('fails turns still pending when the socket closes, and keeps running ones to resume', () => {
    const pending = reduce(acceptedState(), { type: 'local/send', clientMessageId: 'c-2', text: 'x' });
    const closed = reduce(pending, { type: 'local/connection', status: 'closed' });
    expect(closed.turns.map((turn) => turn.state)).toEqual(['running', 'failed']);
    expect(closed.turns[0]).toBe(pending.turns[0]);
    expect(closed.threadId).toBe(pending.threadId);
  });
});
