/**
 * The AG-UI adapter's rules, each shown failing (with the message that names
 * the run and the tool call) and holding, plus `@ag-ui/client`'s own verifier
 * and the lifecycle checker, without saying anything twice.
 */
import { describe, expect, it } from 'vitest';
import {
  call,
  callArgs,
  callEnd,
  callResult,
  callStart,
  codes,
  errored,
  finished,
  frames,
  read,
  started,
  text,
} from './agui-test-kit';

const messages = (...input: Parameters<typeof frames>) => read(frames(...input)).violations.map((v) => v.message);

describe('one terminal event per run, and nothing after it', () => {
  it('holds for a run that finishes, or fails, once', () => {
    expect(codes(frames([started(), ...text('m1', 'hi'), finished()]))).toEqual([]);
    expect(codes(frames([started(), ...text('m1', 'hi'), errored()]))).toEqual([]);
  });

  it('names a run that never terminated (ag-ui#2416), once: not again as the lifecycle run_not_terminated', () => {
    const result = read(frames([started(), ...text('m1', 'partial')]));
    expect(result.violations).toEqual([
      {
        code: 'agui_run_not_terminated',
        message: 'run r1 never terminated: its stream ended with no RUN_FINISHED or RUN_ERROR',
        runId: 'r1',
      },
    ]);
  });

  it('names RUN_FINISHED after RUN_ERROR (ag-ui#1892), beside the client verifier, and keeps the first ending', () => {
    const result = read(frames([started(), errored('boom'), finished()]));
    expect(result.violations.map((v) => [v.code, v.message])).toEqual([
      ['agui_duplicate_terminal', 'run r1: RUN_FINISHED after RUN_ERROR; a run ends exactly once'],
      [
        'agui_verify',
        "run r1: @ag-ui/client's verifyEvents rejects RUN_FINISHED (event 3 of stream 1): Cannot send event type 'RUN_FINISHED': The run has already errored with 'RUN_ERROR'. No further events can be sent.",
      ],
    ]);
    expect(result.events.filter((event) => event.type === 'agent_completed')).toHaveLength(1);
    expect(result.events.at(-1)?.payload).toMatchObject({ status: 'failed', error: 'boom' });
  });

  it('names RUN_ERROR after RUN_FINISHED, which the client verifier lets through', () => {
    expect(messages([started(), finished(), errored()])).toEqual([
      'run r1: RUN_ERROR after RUN_FINISHED; a run ends exactly once',
    ]);
  });

  it('names an event after the terminal one, and a finished run started again; neither is normalized', () => {
    const result = read(frames([started(), finished(), ...text('m1', 'late'), started()]));
    expect(result.violations.filter((v) => v.code !== 'agui_verify').map((v) => v.message)).toEqual([
      'run r1: TEXT_MESSAGE_START after RUN_FINISHED; nothing may follow it',
      'run r1: TEXT_MESSAGE_CONTENT after RUN_FINISHED; nothing may follow it',
      'run r1: TEXT_MESSAGE_END after RUN_FINISHED; nothing may follow it',
      'run r1: RUN_STARTED after its RUN_FINISHED',
    ]);
    expect(result.events.map((event) => event.type)).toEqual(['agent_started', 'agent_completed']);
  });

  it('lets a run go on in a new stream (a resume: the same runId started again) without a second agent_started', () => {
    const result = read([
      ...frames([started(), ...text('m1', 'one ')], 1),
      ...frames([started(), ...text('m2', 'two'), finished()], 2),
    ]);
    expect(result.violations).toEqual([]);
    expect(result.events.filter((event) => event.type === 'agent_started')).toHaveLength(1);
    expect(result.events.at(-1)?.payload).toMatchObject({ text: 'one two' });
  });
});

describe('every tool call ended and answered before RUN_FINISHED', () => {
  it('holds for calls that end and get their result', () => {
    expect(codes(frames([started(), ...call('c1'), ...call('c2', 'lookup'), finished()]))).toEqual([]);
  });

  it('names a call with no TOOL_CALL_END (CopilotKit#1982)', () => {
    expect(messages([started(), callStart('c1'), callArgs('c1', '{}'), finished()])).toEqual([
      'run r1: tool call c1 (calculator) has no TOOL_CALL_END before RUN_FINISHED',
      "run r1: @ag-ui/client's verifyEvents rejects RUN_FINISHED (event 4 of stream 1): Cannot send 'RUN_FINISHED' while tool calls are still active: c1",
    ]);
  });

  it('names a call left without its TOOL_CALL_RESULT (CopilotKit#2712), once: not again as tool_not_completed', () => {
    const result = read(frames([started(), callStart('c1'), callEnd('c1'), finished()]));
    expect(result.violations).toEqual([
      {
        code: 'agui_tool_call_without_result',
        message:
          'run r1: tool call c1 (calculator) has no TOOL_CALL_RESULT before RUN_FINISHED: the page shows it executing forever',
        runId: 'r1',
        toolCallId: 'c1',
      },
    ]);
  });

  it('names the open calls of a run whose stream just ended', () => {
    expect(codes(frames([started(), callStart('c1'), callEnd('c1'), callStart('c2')]))).toEqual([
      'agui_run_not_terminated',
      'agui_tool_call_without_result',
      'agui_tool_call_not_ended',
    ]);
  });

  it('exempts calls the page answers itself: named pending by the run, or client tools', () => {
    const pending = finished('r1', { outcome: { type: 'success', pendingToolCallIds: ['c1'] } });
    expect(codes(frames([started(), callStart('c1'), callEnd('c1'), pending]))).toEqual([]);
    const open = frames([started(), callStart('c1', 'confirm'), callEnd('c1'), finished()]);
    expect(codes(open, { clientTools: ['confirm'] })).toEqual([]);
    expect(codes(open)).toEqual(['agui_tool_call_without_result']);
  });

  it('lets RUN_ERROR cut a call short, as AG-UI allows: neither rule nor lifecycle objects', () => {
    expect(codes(frames([started(), callStart('c1'), callEnd('c1'), errored()]))).toEqual([]);
  });
});

describe('no message or tool call started twice', () => {
  it('names a message a resumed stream replays (same messageId again), in the same run or a later one', () => {
    expect(messages([started(), ...text('m1', 'hi'), ...text('m1', 'hi'), finished()])).toEqual([
      'run r1: message m1 started again (first earlier in this run): a replayed or resumed stream shows it twice',
    ]);
    const resumed = read([
      ...frames([started('r1'), ...text('m1', 'hi'), finished('r1')], 1),
      ...frames([started('r2'), ...text('m1', 'hi'), finished('r2')], 2),
    ]);
    expect(resumed.violations.map((v) => v.message)).toEqual([
      'run r2: message m1 started again (first in run r1): a replayed or resumed stream shows it twice',
    ]);
  });

  it('names a tool call started twice, and a second result; each is normalized once', () => {
    const result = read(frames([started(), callStart('c1'), ...call('c1'), callResult('c1'), finished()]));
    expect(result.violations.filter((v) => v.code !== 'agui_verify').map((v) => v.message)).toEqual([
      'run r1: tool call c1 (calculator) started again (first in run r1)',
      'run r1: tool call c1 (calculator) got a second TOOL_CALL_RESULT',
    ]);
    expect(result.events.filter((event) => event.type === 'tool_completed')).toHaveLength(1);
  });
});

describe('events in order', () => {
  it.each([
    ['content for a message that never started', [{ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm9', delta: 'x' }]],
    [
      'content after its message ended',
      [...text('m1', 'a'), { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'b' }],
    ],
    ['TOOL_CALL_ARGS before TOOL_CALL_START', [callArgs('c1', '{}'), ...call('c1')]],
    ['TOOL_CALL_ARGS after TOOL_CALL_END', [callStart('c1'), callEnd('c1'), callArgs('c1', '{}'), callResult('c1')]],
  ])('names %s (and the client verifier does too)', (_, events) => {
    expect(codes(frames([started(), ...events, finished()]))).toEqual(['agui_out_of_order', 'agui_verify']);
  });

  it.each([
    ['TOOL_CALL_RESULT before TOOL_CALL_END', [callStart('c1'), callResult('c1'), callEnd('c1')]],
    ['a result for a call never started', [callResult('c9')]],
  ])('names %s, which the client verifier lets through', (_, events) => {
    expect(codes(frames([started(), ...events, finished()]))).toEqual(['agui_out_of_order']);
  });

  it('says exactly what came out of order', () => {
    expect(messages([started(), callArgs('c1', '{'), ...call('c1'), finished()])[0]).toBe(
      'run r1: TOOL_CALL_ARGS for tool call c1 before its TOOL_CALL_START',
    );
    expect(messages([started(), callStart('c1'), callResult('c1'), callEnd('c1'), finished()])[0]).toBe(
      'run r1: tool call c1 (calculator): TOOL_CALL_RESULT before its TOOL_CALL_END',
    );
  });

  it('names events before any RUN_STARTED, and a second run started while one runs', () => {
    expect(messages([...text('m1', 'a')]).slice(0, 1)).toEqual([
      'TEXT_MESSAGE_START on stream 1 before any RUN_STARTED',
    ]);
    expect(codes(frames([started('r1'), started('r2'), finished('r2')]))).toEqual([
      'agui_out_of_order',
      'agui_run_not_terminated',
      'agui_verify',
    ]);
  });
});

describe("@ag-ui/client's verifier and the lifecycle checker", () => {
  it('reports what only the verifier checks, naming the run, once a stream (it stops at its first error)', () => {
    const steps = [
      { type: 'STEP_FINISHED', stepName: 'plan' },
      { type: 'STEP_FINISHED', stepName: 'act' },
    ];
    expect(read(frames([started(), ...steps, finished()])).violations).toEqual([
      {
        code: 'agui_verify',
        message:
          "run r1: @ag-ui/client's verifyEvents rejects STEP_FINISHED (event 2 of stream 1): Cannot send 'STEP_FINISHED' for step \"plan\" that was not started",
        runId: 'r1',
      },
    ]);
  });

  it('verifies each stream on its own, as HttpAgent does per run', () => {
    const twoRuns = [...frames([started('r1'), finished('r1')], 1), ...frames([started('r2'), finished('r2')], 2)];
    expect(codes(twoRuns)).toEqual([]);
  });

  it('includes the lifecycle checker: a result that arrives in a later run for a finished run', () => {
    const input = [
      ...frames([started('r1'), callStart('c1'), callEnd('c1'), finished('r1')], 1),
      ...frames([started('r2'), callResult('c1'), finished('r2')], 2),
    ];
    const result = read(input);
    expect(result.violations.map((v) => v.code)).toEqual(['agui_tool_call_without_result', 'event_after_completed']);
    expect(result.violations[1]?.message).toMatch(/^run r1: tool_completed at seq \d+ follows agent_completed$/);
  });
});
