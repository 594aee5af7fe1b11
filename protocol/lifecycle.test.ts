import { describe, expect, it } from 'vitest';
import type { RunEvent } from './events';
import { checkRunLifecycle, formatViolations, type ViolationCode } from './lifecycle';

type Spec = [type: RunEvent['type'], payload?: Record<string, unknown>, runId?: string];

const defaults: Record<RunEvent['type'], Record<string, unknown>> = {
  agent_started: { agentName: 'a', input: 'hi' },
  agent_thinking: { thought: 'hmm', step: 1 },
  tool_executing: { toolCallId: 't-1', toolName: 'calc', args: {} },
  tool_progress: { toolCallId: 't-1', progress: 0.5 },
  tool_completed: { toolCallId: 't-1', toolName: 'calc', status: 'success', durationMs: 1 },
  partial_result: { delta: 'x' },
  agent_completed: { status: 'success', durationMs: 2 },
};

/** Builds a thread's stream with seq 1, 2, 3…; runId defaults to r-1. */
function stream(...specs: Spec[]): RunEvent[] {
  return specs.map(([type, payload, runId = 'r-1'], index) => ({
    type,
    threadId: 'th-1',
    runId,
    seq: index + 1,
    ts: 1000 + index,
    payload: { ...defaults[type], ...payload },
  })) as RunEvent[];
}

const codes = (events: RunEvent[], options?: Parameters<typeof checkRunLifecycle>[1]): ViolationCode[] =>
  checkRunLifecycle(events, options).map((violation) => violation.code);

const validRun: Spec[] = [
  ['agent_started'],
  ['agent_thinking'],
  ['tool_executing'],
  ['tool_progress'],
  ['tool_completed'],
  ['partial_result'],
  ['agent_completed'],
];

describe('checkRunLifecycle', () => {
  it('accepts a complete run', () => {
    expect(checkRunLifecycle(stream(...validRun))).toEqual([]);
  });

  it('accepts two runs in one thread, and concurrent tools completing out of order', () => {
    const events = stream(
      ...validRun,
      ['agent_started', {}, 'r-2'],
      ['tool_executing', { toolCallId: 'a' }, 'r-2'],
      ['tool_executing', { toolCallId: 'b' }, 'r-2'],
      ['tool_completed', { toolCallId: 'b' }, 'r-2'],
      ['tool_completed', { toolCallId: 'a', status: 'error', error: 'boom' }, 'r-2'],
      ['agent_completed', { status: 'failed', error: 'x' }, 'r-2'],
    );
    expect(checkRunLifecycle(events)).toEqual([]);
  });

  it('names a run that never terminated, and its unfinished tool call', () => {
    const violations = checkRunLifecycle(stream(['agent_started'], ['tool_executing', { toolCallId: 't-2' }]));
    expect(violations.map((v) => v.message)).toEqual([
      'run r-1 never terminated',
      'run r-1: tool call t-2 (calc) never completed',
    ]);
  });

  it('allows an unterminated run when requireTermination is off', () => {
    expect(codes(stream(['agent_started']), { requireTermination: false })).toEqual([]);
  });

  it('reports a run that does not open with agent_started', () => {
    expect(codes(stream(['agent_thinking'], ['agent_completed']))).toEqual(['missing_agent_started']);
  });

  it('reports events after agent_completed and a second agent_completed', () => {
    expect(codes(stream(['agent_started'], ['agent_completed'], ['partial_result'], ['agent_completed']))).toEqual([
      'event_after_completed',
      'duplicate_agent_completed',
    ]);
  });

  it('reports a tool_executing without tool_completed before agent_completed', () => {
    const violations = checkRunLifecycle(stream(['agent_started'], ['tool_executing'], ['agent_completed']));
    expect(violations).toEqual([
      expect.objectContaining({ code: 'tool_not_completed', runId: 'r-1', toolCallId: 't-1', seq: 3 }),
    ]);
  });

  it('reports tool_completed without tool_executing, twice, or under another name', () => {
    expect(codes(stream(['agent_started'], ['tool_completed'], ['agent_completed']))).toEqual([
      'tool_completed_without_executing',
    ]);
    expect(
      codes(stream(['agent_started'], ['tool_executing'], ['tool_completed'], ['tool_completed'], ['agent_completed'])),
    ).toEqual(['duplicate_tool_completed']);
    expect(
      codes(
        stream(['agent_started'], ['tool_executing'], ['tool_completed', { toolName: 'other' }], ['agent_completed']),
      ),
    ).toEqual(['tool_name_mismatch']);
  });

  it('reports a duplicate tool call id and progress outside a call', () => {
    expect(
      codes(stream(['agent_started'], ['tool_executing'], ['tool_executing'], ['tool_completed'], ['agent_completed'])),
    ).toEqual(['duplicate_tool_call']);
    expect(codes(stream(['agent_started'], ['tool_progress'], ['agent_completed']))).toEqual([
      'tool_progress_outside_call',
    ]);
  });

  it('reports a second agent_started', () => {
    expect(codes(stream(['agent_started'], ['agent_started'], ['agent_completed']))).toEqual([
      'duplicate_agent_started',
    ]);
  });

  describe('keep-alives', () => {
    it('accepts keep-alives that repeat the current thought and the last progress', () => {
      const events = stream(
        ['agent_started'],
        ['agent_thinking', { thought: 'Working…', step: 1, keepAlive: true }],
        ['agent_thinking', { step: 1 }],
        ['agent_thinking', { thought: 'next', step: 2 }],
        ['agent_thinking', { thought: 'next', step: 2, keepAlive: true }],
        ['tool_executing'],
        ['tool_progress', { progress: 0, keepAlive: true }],
        ['tool_progress', { progress: 0.5 }],
        ['tool_progress', { progress: 0.5, keepAlive: true }],
        ['tool_completed'],
        ['agent_completed'],
      );
      expect(checkRunLifecycle(events)).toEqual([]);
    });

    it('reports a keep-alive that claims progress', () => {
      const events = stream(
        ['agent_started'],
        ['agent_thinking', { step: 1 }],
        ['agent_thinking', { thought: 'sneaky', step: 2, keepAlive: true }],
        ['tool_executing'],
        ['tool_progress', { progress: 0.5, keepAlive: true }],
        ['tool_completed'],
        ['agent_completed'],
      );
      expect(formatViolations(checkRunLifecycle(events))).toBe(
        [
          '- [keepalive_not_a_repeat] run r-1: keep-alive agent_thinking at seq 3 claims step 2, the current step is 1',
          '- [keepalive_not_a_repeat] run r-1: keep-alive tool_progress at seq 5 moves t-1 from 0 to 0.5',
        ].join('\n'),
      );
    });
  });

  describe('seq', () => {
    it('reports a gap, naming how many events are missing', () => {
      const events = stream(...validRun);
      events.splice(2, 2);
      const violations = checkRunLifecycle(events);
      expect(violations.map((v) => v.code)).toContain('seq_gap');
      expect(formatViolations(violations)).toContain('seq jumps from 2 to 5; 2 event(s) missing');
    });

    it('reports a duplicate or reordered seq', () => {
      const events = stream(...validRun);
      const [a, b] = [events[1], events[2]] as [RunEvent, RunEvent];
      events[1] = b;
      events[2] = a;
      expect(codes(events)).toEqual(['seq_gap', 'seq_not_increasing']);
    });

    it('accepts a coalesced partial_result covering the seqs it merged, and no more', () => {
      const events = stream(['agent_started'], ['partial_result'], ['partial_result'], ['partial_result']);
      const merged = { ...events[3], seq: 4, payload: { delta: 'xx', coalescedFrom: 3 } } as RunEvent;
      const completed = { ...stream(['agent_completed'])[0], seq: 5 } as RunEvent;
      expect(checkRunLifecycle([events[0], events[1], merged, completed] as RunEvent[])).toEqual([]);
      const overlapping = { ...merged, payload: { delta: 'xx', coalescedFrom: 2 } } as RunEvent;
      expect(codes([events[0], events[1], overlapping, completed] as RunEvent[])).toEqual(['seq_not_increasing']);
    });

    it('requires seq 1 first unless the stream starts mid-thread', () => {
      const events = stream(...validRun).map((event) => ({ ...event, seq: event.seq + 10 }));
      expect(codes(events)).toEqual(['seq_not_starting_at_one']);
      expect(codes(events, { requireSeqFromOne: false })).toEqual([]);
    });
  });
});
