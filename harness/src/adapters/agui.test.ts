/**
 * The AG-UI adapter's mappings, on streams recorded from examples/agui-chat
 * (healthy, and with each of its server faults) and on hand-made ones.
 */
import { describe, expect, it } from 'vitest';
import type { CapturedFrame } from './adapter';
import { aguiProtocol } from './agui';
import {
  callArgs,
  callEnd,
  callResult,
  callStart,
  codes,
  errored,
  finished,
  frame,
  frames,
  read,
  recording,
  started,
  text,
} from './agui-test-kit';

describe('aguiProtocol().accepts', () => {
  const sse = (url: string): CapturedFrame => ({ ...frame(started()), url });
  it('takes SSE frames of an AG-UI endpoint, by default /agent, /awp or /api/agui', () => {
    const adapter = aguiProtocol();
    expect(['/api/agui', '/agent', '/awp'].map((path) => adapter.accepts(sse(`http://h${path}`)))).toEqual([
      true,
      true,
      true,
    ]);
    expect(adapter.accepts(sse('http://h/api/chat'))).toBe(false);
    expect(adapter.accepts({ ...sse('http://h/api/agui'), transport: 'websocket' })).toBe(false);
  });

  it('takes the endpoint a page uses instead, and reads only what it takes', () => {
    const adapter = aguiProtocol({ url: /\/copilotkit\// });
    expect(adapter.accepts(sse('http://h/copilotkit/run'))).toBe(true);
    expect(adapter.accepts(sse('http://h/api/agui'))).toBe(false);
    expect(adapter.read(frames([started(), finished()])).events).toEqual([]);
  });
});

describe('streams recorded from examples/agui-chat', () => {
  it('a plain answer: agent_started, a partial_result per delta, agent_completed; seq, ts and arrivals from the frames', () => {
    const input = recording('plain');
    const { events, arrivals, violations, invalid } = read(input);
    expect([violations, invalid]).toEqual([[], []]);
    expect(events[0]?.type).toBe('agent_started');
    expect(events.at(-1)).toMatchObject({ type: 'agent_completed', payload: { status: 'success' } });
    const answer = events.flatMap((event) => (event.type === 'partial_result' ? [event.payload.delta] : [])).join('');
    expect(answer).toBe('Hello! I can do arithmetic with my calculator and look topics up in a small knowledge base.');
    expect(events.at(-1)).toMatchObject({ payload: { text: answer } });
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events[0]?.ts).toBe(input[0]?.epochMs);
    expect(arrivals[0]).toBe(input[0]?.at);
  });

  it('a tool call: tool_executing with the joined arguments parsed, tool_completed with the result', () => {
    const { events, violations } = read(recording('tool-call'));
    expect(violations).toEqual([]);
    expect(events.map((event) => event.type).slice(0, 3)).toEqual([
      'agent_started',
      'tool_executing',
      'tool_completed',
    ]);
    expect(events[1]?.payload).toEqual({
      toolCallId: 'call_calc_42',
      toolName: 'calculator',
      args: { expression: '6 * 7' },
    });
    expect(events[2]?.payload).toMatchObject({
      toolCallId: 'call_calc_42',
      status: 'success',
      result: '{"expression":"6 * 7","value":42}',
    });
  });

  it('reasoning: one agent_thinking with its whole text; a model failure: agent_completed failed', () => {
    const thinking = read(recording('thinking')).events.filter((event) => event.type === 'agent_thinking');
    expect(thinking.map((event) => event.payload)).toEqual([
      { thought: 'The user wants me to think before answering. A short plan, then one sentence.', step: 1 },
    ]);
    const failed = read(recording('run-error'));
    expect(failed.violations).toEqual([]);
    expect(failed.events.at(-1)?.payload).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('HTTP 400'),
    });
  });

  it.each([
    ['no-terminal', ['agui_run_not_terminated']],
    ['tool-never-ends', ['agui_tool_call_not_ended', 'agui_verify']],
    ['replay-message', ['agui_duplicate_message']],
    ['finish-after-error', ['agui_duplicate_terminal', 'agui_verify']],
  ])('the server fault %s is named: %j', (name, expected) => {
    expect(codes(recording(name))).toEqual(expected);
  });
});

describe('normalization', () => {
  it('chunks: TEXT_MESSAGE_CHUNK is a partial_result; a chunked thought or call closes at the next other event', () => {
    const { events, violations } = read(
      frames([
        started(),
        { type: 'REASONING_MESSAGE_CHUNK', messageId: 'th1', delta: 'Let me ' },
        { type: 'REASONING_MESSAGE_CHUNK', delta: 'think.' },
        { type: 'TOOL_CALL_CHUNK', toolCallId: 'c1', toolCallName: 'lookup', delta: '{"topic":' },
        { type: 'TOOL_CALL_CHUNK', delta: '"ag-ui"}' },
        callResult('c1', 'found'),
        { type: 'TEXT_MESSAGE_CHUNK', messageId: 'm1', delta: 'Hi' },
        { type: 'TEXT_MESSAGE_CHUNK', delta: ' there' },
        finished(),
      ]),
    );
    expect(violations).toEqual([]);
    expect(events.map((event) => [event.type, event.payload])).toEqual([
      ['agent_started', { agentName: 'ag-ui', input: '' }],
      ['agent_thinking', { thought: 'Let me think.', step: 1 }],
      ['tool_executing', { toolCallId: 'c1', toolName: 'lookup', args: { topic: 'ag-ui' } }],
      ['tool_completed', expect.objectContaining({ toolCallId: 'c1', result: 'found' })],
      ['partial_result', { delta: 'Hi' }],
      ['partial_result', { delta: ' there' }],
      ['agent_completed', expect.objectContaining({ status: 'success', text: 'Hi there' })],
    ]);
  });

  it('legacy THINKING_* messages are thoughts too; a user message is not the answer', () => {
    const { events, violations } = read(
      frames([
        started(),
        { type: 'THINKING_START', title: 'plan' },
        { type: 'THINKING_TEXT_MESSAGE_START' },
        { type: 'THINKING_TEXT_MESSAGE_CONTENT', delta: 'Planning.' },
        { type: 'THINKING_TEXT_MESSAGE_END' },
        { type: 'THINKING_END' },
        { type: 'TEXT_MESSAGE_START', messageId: 'u1', role: 'user' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId: 'u1', delta: 'echo' },
        { type: 'TEXT_MESSAGE_END', messageId: 'u1' },
        finished(),
      ]),
    );
    expect(violations).toEqual([]);
    expect(events.map((event) => event.type)).toEqual(['agent_started', 'agent_thinking', 'agent_completed']);
    expect(events[1]?.payload).toEqual({ thought: 'Planning.', step: 1 });
  });

  it('arguments that are not JSON stay text; RUN_STARTED input names the message; outcomes map to statuses', () => {
    const input = { threadId: 't1', runId: 'r1', state: {}, tools: [], context: [], forwardedProps: {} };
    const messages = [{ id: 'u1', role: 'user', content: 'what is 6 * 7?' }];
    const { events } = read(
      frames([
        { ...started(), input: { ...input, messages } },
        callStart('c1'),
        callArgs('c1', '{"expression": "6 *'),
        callEnd('c1'),
        callResult('c1'),
        finished('r1', { outcome: { type: 'cancelled' } }),
      ]),
    );
    expect(events[0]?.payload).toEqual({ agentName: 'ag-ui', input: 'what is 6 * 7?' });
    expect(events[1]?.payload).toMatchObject({ args: '{"expression": "6 *' });
    expect(events.at(-1)?.payload).toMatchObject({ status: 'cancelled' });
    const interrupt = { type: 'interrupt', interrupts: [{ id: 'i1', reason: 'approval' }] };
    expect(read(frames([started(), finished('r1', { outcome: interrupt })])).events.at(-1)?.payload).toMatchObject({
      status: 'interrupted',
    });
  });

  it('numbers seq per thread across runs and streams, in arrival order', () => {
    const { events, violations } = read([
      ...frames([started('r1', 't1'), ...text('m1', 'a'), finished('r1')], 1),
      ...frames([started('r2', 't2'), errored()], 2),
      ...frames([started('r3', 't1'), finished('r3')], 3),
    ]);
    expect(violations).toEqual([]);
    expect(events.map((event) => `${event.threadId}:${event.seq}`)).toEqual([
      't1:1',
      't1:2',
      't1:3',
      't2:1',
      't2:2',
      't1:4',
      't1:5',
    ]);
  });

  it('frames that are not AG-UI events are invalid, with why', () => {
    const { invalid, events } = read([
      frame('not json'),
      frame({ type: 'RUN_STARTED', threadId: 't1' }),
      frame({ type: 'NOT_AN_EVENT' }),
    ]);
    expect(events).toEqual([]);
    expect(invalid.map((entry) => entry.reason)).toEqual([
      'not JSON',
      expect.stringMatching(/^not an AG-UI event \(runId: /),
      expect.stringMatching(/^not an AG-UI event \(type: /),
    ]);
  });
});
