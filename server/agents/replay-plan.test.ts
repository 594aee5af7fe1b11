import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol';
import { planReplay } from './replay-plan';

const at = (seq: number, ts: number, rest: Pick<RunEvent, 'type' | 'payload'>, runId = 'r-1') =>
  ({ threadId: 'th', runId, seq, ts, ...rest }) as RunEvent;

describe('#planReplay', () => {
  it('places each step at its offset and numbers the replayed events in recorded order', () => {
    const plan = planReplay([
      at(1, 1000, { type: 'agent_started', payload: { agentName: 'a', input: 'x' } }),
      at(2, 1010, { type: 'tool_executing', payload: { toolCallId: 't-1', toolName: 'search', args: { q: 'x' } } }),
      at(3, 1020, { type: 'agent_thinking', payload: { thought: 'waiting', step: 1 } }),
      at(4, 1050, { type: 'tool_progress', payload: { toolCallId: 't-1', progress: 0.5 } }),
      at(5, 1090, {
        type: 'tool_completed',
        payload: { toolCallId: 't-1', toolName: 'search', status: 'success', result: [1], durationMs: 80 },
      }),
      at(6, 1100, { type: 'partial_result', payload: { delta: 'hi' } }),
      at(7, 1200, { type: 'agent_completed', payload: { status: 'failed', error: 'boom', durationMs: 200 } }),
      at(1, 5000, { type: 'agent_started', payload: { agentName: 'a', input: 'second run' } }, 'r-2'),
    ]);
    expect(plan.runId).toBe('r-1');
    expect(plan.steps).toEqual([
      {
        kind: 'tool',
        order: 0,
        atMs: 10,
        toolName: 'search',
        args: { q: 'x' },
        progress: [{ order: 2, afterMs: 40, progress: 0.5 }],
        outcome: { order: 3, afterMs: 80, status: 'success', result: [1], error: undefined },
      },
      { kind: 'think', order: 1, atMs: 20, thought: 'waiting' },
      { kind: 'stream', order: 4, atMs: 100, delta: 'hi' },
    ]);
    expect(plan).toMatchObject({ orderedEvents: 5, durationMs: 200 });
    expect(plan.ending).toEqual({ atMs: 200, status: 'failed', error: 'boom' });
  });

  it('refuses an empty recording', () => {
    expect(() => planReplay([])).toThrow('the recording has no events');
  });
});
