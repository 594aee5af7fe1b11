/**
 * The AI SDK adapter on captured frames: streams recorded from the example app
 * (examples/ai-sdk-chat, `scripts/record-streams.ts`) must map to the right
 * events with no violation, and agree with the message the SDK's own
 * `readUIMessageStream` assembles. The rules are in ai-sdk-rules.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { aiSdkProtocol } from './ai-sdk';
import { readAiSdkMessages } from './ai-sdk-messages';
import { adapter, answered, answerOf, stream, text, textOf, toolCall, typed, types } from './ai-sdk-test-kit';

describe('aiSdkProtocol on streams recorded from the example app', () => {
  it('maps a plain answer, numbering events and stamping them with the page clock', async () => {
    const frames = typed.plain;
    const { events, arrivals, violations, invalid } = adapter.read(frames);
    expect(violations).toEqual([]);
    expect(invalid).toEqual([]);
    const deltas = frames.filter((frame) => frame.data.includes('"text-delta"')).length;
    expect(types(events)).toEqual(['agent_started', ...Array(deltas).fill('partial_result'), 'agent_completed']);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
    // The run is the message: its id is the start chunk's messageId.
    const { messageId } = JSON.parse(frames[0]?.data ?? '{}') as { messageId?: string };
    expect(messageId).toMatch(/^msg-/);
    expect(new Set(events.map((event) => `${event.threadId}/${event.runId}`))).toEqual(
      new Set([`ai-sdk-page/${messageId}`]),
    );
    expect(events[0]?.ts).toBe(frames[0]?.epochMs);
    expect(arrivals[0]).toBe(frames[0]?.at);
    const [message] = await readAiSdkMessages(frames);
    expect(textOf(message?.message)).toEqual([answerOf(events)]);
    expect(events.at(-1)).toMatchObject({ payload: { status: 'success', text: answerOf(events) } });
  });

  it('maps a tool call to tool_executing with its input and tool_completed with its output', async () => {
    const { events, violations } = adapter.read(typed.tool);
    expect(violations).toEqual([]);
    expect(events.filter((event) => event.type.startsWith('tool_'))).toMatchObject([
      {
        type: 'tool_executing',
        payload: { toolCallId: 'call_calc', toolName: 'calculator', args: { a: 6, op: '*', b: 7 } },
      },
      { type: 'tool_completed', payload: { toolCallId: 'call_calc', status: 'success', result: { value: 42 } } },
    ]);
    const [message] = await readAiSdkMessages(typed.tool);
    expect(message?.message?.parts.find((part) => part.type === 'tool-calculator')).toMatchObject({
      state: 'output-available',
      output: { value: 42 },
    });
    expect(textOf(message?.message)).toEqual([answerOf(events)]);
  });

  it('maps a failing tool to tool_completed with its error', () => {
    const { events, violations } = adapter.read(typed.toolError);
    expect(violations).toEqual([]);
    expect(events.find((event) => event.type === 'tool_completed')).toMatchObject({
      payload: { toolName: 'lookup', status: 'error', error: 'nothing is known about "dragons"' },
    });
  });

  it('maps a reasoning part to one whole thought, at its end', async () => {
    const { events, violations } = adapter.read(typed.reasoning);
    expect(violations).toEqual([]);
    const thoughts = events.filter((event) => event.type === 'agent_thinking');
    const [message] = await readAiSdkMessages(typed.reasoning);
    const reasoning = message?.message?.parts.find((part) => part.type === 'reasoning');
    expect(thoughts).toMatchObject([
      { payload: { step: 1, thought: reasoning?.type === 'reasoning' ? reasoning.text : '?' } },
    ]);
  });

  it('maps an error chunk to a failed run that carries its text', () => {
    const { events, violations } = adapter.read(typed.providerDown);
    expect(violations).toEqual([]);
    expect(events.at(-1)).toMatchObject({
      type: 'agent_completed',
      payload: { status: 'failed', error: 'Something went wrong. Please try again.' },
    });
  });
});

describe('aiSdkProtocol mapping', () => {
  it('accepts SSE frames of the chat route (and its resume route) only', () => {
    const [frame] = stream([{ type: 'start' }]);
    if (!frame) throw new Error('no frame');
    expect(adapter.accepts(frame)).toBe(true);
    expect(adapter.accepts({ ...frame, url: 'http://127.0.0.1/api/chat/c1/stream' })).toBe(true);
    expect(adapter.accepts({ ...frame, transport: 'websocket' })).toBe(false);
    expect(adapter.accepts({ ...frame, url: 'http://127.0.0.1/api/other' })).toBe(false);
    expect(aiSdkProtocol({ url: /\/chat$/ }).accepts({ ...frame, url: 'http://127.0.0.1/chat' })).toBe(true);
  });

  it('names a run without a message id after its stream, and numbers seq across the page load', () => {
    const frames = [
      ...stream([{ type: 'start' }, ...text('t', 'a'), { type: 'finish' }, '[DONE]'], 1),
      ...stream([{ type: 'start' }, { type: 'abort', reason: 'user stop' }, '[DONE]'], 2),
    ];
    const { events, violations } = aiSdkProtocol({ agentName: 'chat' }).read(frames);
    expect(violations).toEqual([]);
    expect(events.map((event) => [event.runId, event.seq, event.type])).toEqual([
      ['ai-sdk-run-1', 1, 'agent_started'],
      ['ai-sdk-run-1', 2, 'partial_result'],
      ['ai-sdk-run-1', 3, 'agent_completed'],
      ['ai-sdk-run-2', 4, 'agent_started'],
      ['ai-sdk-run-2', 5, 'agent_completed'],
    ]);
    expect(events[0]).toMatchObject({ payload: { agentName: 'chat', input: '' } });
    expect(events[4]).toMatchObject({ payload: { status: 'cancelled', error: 'user stop' } });
  });

  it('reports a tool-input-error once, with the tool-output-error the SDK sends after it', () => {
    const { events, violations } = adapter.read(
      stream([
        { type: 'start', messageId: 'm' },
        { type: 'tool-input-error', toolCallId: 'c1', toolName: 'calculator', input: '{', errorText: 'bad JSON' },
        { type: 'tool-output-error', toolCallId: 'c1', errorText: 'bad JSON' },
        { type: 'finish' },
      ]),
    );
    expect(violations).toEqual([]);
    expect(events.filter((event) => event.type === 'tool_completed')).toMatchObject([
      { payload: { status: 'error', error: 'bad JSON' } },
    ]);
  });

  it('waits for the final output of a tool that streams preliminary ones', () => {
    const { events, violations } = adapter.read(
      stream([
        { type: 'start', messageId: 'm' },
        ...toolCall('c1', 'lookup', {}),
        { type: 'tool-output-available', toolCallId: 'c1', output: 'half', preliminary: true },
        answered('c1', 'all'),
        { type: 'finish' },
      ]),
    );
    expect(violations).toEqual([]);
    expect(events.filter((event) => event.type === 'tool_completed')).toMatchObject([{ payload: { result: 'all' } }]);
  });
});
