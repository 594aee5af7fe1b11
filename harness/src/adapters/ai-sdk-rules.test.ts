/**
 * The AI SDK adapter's rules on hand-made streams: each breaks one rule once,
 * and the violation must name the run and the call.
 */
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { describe, expect, it } from 'vitest';
import type { CapturedFrame } from './adapter';
import { aiSdkProtocol } from './ai-sdk';
import { readAiSdkMessages } from './ai-sdk-messages';
import { adapter, answered, answerOf, stream, text, textOf, toolCall, types } from './ai-sdk-test-kit';

describe('aiSdkProtocol rules: each can fail, and names the run and the call', () => {
  const start = { type: 'start', messageId: 'msg-1' };
  const codes = (frames: CapturedFrame[], options = {}) =>
    aiSdkProtocol(options)
      .read(frames)
      .violations.map((violation) => violation.code);

  it('rejects a frame that is not a UI message chunk, with the schema reason', () => {
    const { violations, invalid } = adapter.read(
      stream([start, { type: 'text-delta', id: 't' }, { type: 'telepathy' }, 'not json', { type: 'finish' }]),
    );
    expect(invalid.map((entry) => entry.reason)).toEqual([
      'text-delta: delta: Invalid input: expected string, received undefined',
      'unknown chunk type "telepathy"',
      'not JSON',
    ]);
    expect(violations.map((violation) => [violation.code, violation.runId])).toEqual([
      ['invalid', 'msg-1'],
      ['invalid', 'msg-1'],
      ['invalid', 'msg-1'],
    ]);
    expect(violations[0]?.message).toMatch(/^stream 1 \(\/api\/chat\): not a UI message chunk \(text-delta: delta/);
  });

  it('names a stream that ends ([DONE]) without finish, error or abort, once', () => {
    const { violations } = adapter.read(stream([start, ...text('t', 'hi'), '[DONE]']));
    expect(violations).toEqual([
      {
        code: 'run_not_terminated',
        runId: 'msg-1',
        message: 'run msg-1 never terminated: stream 1 (/api/chat) ended ([DONE]) without finish, error or abort',
      },
    ]);
  });

  it('names a run whose stream stops without [DONE] through the lifecycle check', () => {
    expect(adapter.read(stream([start, ...text('t', 'hi')])).violations).toMatchObject([
      { code: 'run_not_terminated', message: 'run msg-1 never terminated' },
    ]);
  });

  it('names a tool call that has no output before finish, once', () => {
    const { violations } = adapter.read(
      stream([start, ...toolCall('call_lookup', 'lookup', { topic: 'x' }), { type: 'finish' }]),
    );
    expect(violations).toEqual([
      {
        code: 'tool_not_completed',
        runId: 'msg-1',
        toolCallId: 'call_lookup',
        message:
          'run msg-1: tool call call_lookup (lookup) got tool-input-available but no tool-output-available or tool-output-error before finish',
      },
    ]);
    expect(codes(stream([start, ...toolCall('c', 'lookup', {}), answered('c', 1), { type: 'finish' }]))).toEqual([]);
  });

  it('lets a call go unanswered when an error or abort ends its run, it awaits approval, or the page runs it', () => {
    const open = [start, ...toolCall('c', 'lookup', {})];
    expect(codes(stream([...open, { type: 'error', errorText: 'boom' }]))).toEqual([]);
    expect(codes(stream([...open, { type: 'abort' }]))).toEqual([]);
    const approval = { type: 'tool-approval-request', approvalId: 'a-1', toolCallId: 'c' };
    expect(codes(stream([...open, approval, { type: 'finish' }]))).toEqual([]);
    expect(codes(stream([...open, { type: 'finish' }]), { clientTools: ['lookup'] })).toEqual([]);
    // Only the call the page runs: another tool in the same run is still owed its output.
    expect(codes(stream([...open, { type: 'finish' }]), { clientTools: ['calculator'] })).toEqual([
      'tool_not_completed',
    ]);
  });

  it('names a tool call whose stream ended before its output', () => {
    expect(codes(stream([start, ...toolCall('c', 'lookup', {}), '[DONE]']))).toEqual([
      'run_not_terminated',
      'tool_not_completed',
    ]);
  });

  it('names anything after the end of a run, and a second end', () => {
    const { violations } = adapter.read(
      stream([
        start,
        { type: 'finish' },
        { type: 'text-delta', id: 't', delta: 'late' },
        { type: 'error', errorText: 'x' },
        '[DONE]',
        { type: 'finish' },
      ]),
    );
    expect(violations.map((violation) => violation.message)).toEqual([
      'run msg-1: text-delta after its finish (stream 1 (/api/chat)): a run ends once, and nothing follows',
      'run msg-1: error after its finish (stream 1 (/api/chat)): a run ends once, and nothing follows',
      'stream 1 (/api/chat): a chunk after its [DONE]',
      'run msg-1: the AI SDK\'s readUIMessageStream stopped reading stream 1 (/api/chat): Received text-delta for missing text part with ID "t". Ensure a "text-start" chunk is sent before any "text-delta" chunks.',
    ]);
    expect(violations.map((violation) => violation.code)).toEqual([
      'event_after_completed',
      'duplicate_agent_completed',
      'event_after_completed',
      'read_ui_message_stream',
    ]);
  });

  it('names a message a stream starts again after its parts: the resume duplicate, as the SDK would draw it', async () => {
    const frames = stream([
      start,
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Hel' },
      start,
      ...text('t', 'Hel', 'lo'),
      { type: 'finish' },
    ]);
    const { violations } = adapter.read(frames);
    expect(violations).toMatchObject([
      {
        code: 'duplicate_message',
        runId: 'msg-1',
        message:
          'run msg-1: stream 1 (/api/chat) starts message msg-1 again after streaming its parts: the stream replays the message, and the page draws it twice (the resume duplicate of vercel/ai#14688)',
      },
      {
        code: 'duplicate_message',
        message: expect.stringMatching(/^run msg-1: text part t starts again while it is still streaming/),
      },
    ]);
    // The SDK's own reading of this stream draws the text twice: the duplicate is real.
    const [message] = await readAiSdkMessages(frames);
    expect(textOf(message?.message)).toEqual(['Hel', 'Hello']);
    // A second `start` before any part is no replay (a merged stream sends one each).
    expect(codes(stream([start, start, ...text('t', 'a'), { type: 'finish' }]))).toEqual([]);
  });

  it('follows a resumed stream that replays a cut message, as DefaultChatTransport does', () => {
    const cut = stream([start, { type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: 'Hel' }], 1);
    const resumed = stream(
      [start, ...text('t', 'Hel', 'lo', ' world'), { type: 'finish' }, '[DONE]'],
      2,
      'http://127.0.0.1/api/chat/c1/stream',
    );
    const { events, violations } = adapter.read([...cut, ...resumed]);
    expect(violations).toEqual([]);
    expect(types(events)).toEqual([
      'agent_started',
      'partial_result',
      'partial_result',
      'partial_result',
      'agent_completed',
    ]);
    expect(answerOf(events)).toBe('Hello world');
    // Without a `start`, a resumed stream continues the cut run.
    const continued = stream(
      [{ type: 'text-delta', id: 't', delta: 'lo' }, { type: 'text-end', id: 't' }, { type: 'finish' }],
      2,
    );
    expect(answerOf(adapter.read([...cut, ...continued]).events)).toBe('Hello');
  });

  it("reads a stream that carries on a cut run after the run's earlier streams, as the page holds them", () => {
    const cut = stream([start, { type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: 'Hel' }], 1);
    const rest = [{ type: 'text-delta', id: 't', delta: 'lo' }, { type: 'text-end', id: 't' }, { type: 'finish' }];
    // Read alone, the rest has a delta for a part it never started: the SDK would refuse it.
    expect(aiSdkProtocol({ resume: 'continue' }).read([...cut, ...stream([start, ...rest], 2)]).violations).toEqual([]);
    expect(adapter.read([...cut, ...stream(rest, 2)]).violations).toEqual([]);
  });

  it('names a resumed stream that replays parts where only the rest is due (resume: continue), as the SDK would draw it', async () => {
    const cut = stream([start, { type: 'text-start', id: 'r' }, { type: 'text-delta', id: 'r', delta: 'Hel' }], 1);
    const replay = [start, ...text('r', 'Hel', 'lo'), { type: 'finish' }];
    const { violations } = aiSdkProtocol({ resume: 'continue' }).read([...cut, ...stream(replay, 2)]);
    expect(violations).toMatchObject([
      {
        code: 'duplicate_message',
        runId: 'msg-1',
        message: expect.stringMatching(/^run msg-1: text part r starts again while it is still streaming \(stream 2/),
      },
    ]);
    // A client that keeps the cut message and reads the replay on top of it draws the text twice (vercel/ai#14688).
    const [first] = await readAiSdkMessages(cut);
    const chunks = new ReadableStream<UIMessageChunk>({
      start(controller) {
        for (const chunk of replay) controller.enqueue(chunk as UIMessageChunk);
        controller.close();
      },
    });
    let resumed: UIMessage | undefined;
    for await (const snapshot of readUIMessageStream({ message: first?.message, stream: chunks })) resumed = snapshot;
    expect(textOf(resumed)).toEqual(['Hel', 'Hello']);
  });

  it("names chunks out of order, and so does the SDK's own readUIMessageStream", async () => {
    const early = stream([start, { type: 'text-delta', id: 't', delta: 'x' }, { type: 'finish' }]);
    expect(adapter.read(early).violations).toMatchObject([
      {
        code: 'chunk_out_of_order',
        message: 'run msg-1: text-delta for text part t before its text-start (stream 1 (/api/chat))',
      },
      {
        code: 'read_ui_message_stream',
        message: expect.stringMatching(
          /^run msg-1: the AI SDK's readUIMessageStream stopped reading stream 1 \(\/api\/chat\): Received text-delta for missing text part with ID "t"/,
        ),
      },
    ]);
    expect((await readAiSdkMessages(early))[0]?.error).toMatch(/missing text part with ID "t"/);

    const outputFirst = stream([
      start,
      answered('c1', 42),
      ...toolCall('c1', 'calculator', {}),
      answered('c1', 42),
      { type: 'finish' },
    ]);
    expect(adapter.read(outputFirst).violations).toEqual([
      {
        code: 'chunk_out_of_order',
        runId: 'msg-1',
        toolCallId: 'c1',
        message:
          'run msg-1: tool-output-available for tool call c1 before its tool-input-available (stream 1 (/api/chat))',
      },
      { code: 'read_ui_message_stream', runId: 'msg-1', message: expect.stringContaining('"c1"') },
    ]);
    expect((await readAiSdkMessages(outputFirst))[0]?.error).toMatch(/c1/);

    expect(
      codes(stream([start, { type: 'tool-input-delta', toolCallId: 'c', inputTextDelta: '{' }, { type: 'finish' }])),
    ).toEqual(['chunk_out_of_order', 'read_ui_message_stream']);
    expect(codes(stream([start, ...text('t', 'a'), { type: 'text-end', id: 't' }, { type: 'finish' }]))).toEqual([
      'chunk_out_of_order',
      'read_ui_message_stream',
    ]);
  });

  it('passes the lifecycle checker findings the stream rules do not name, e.g. a tool call completed twice', () => {
    const frames = stream([
      start,
      ...toolCall('c', 'lookup', {}),
      answered('c', 1),
      answered('c', 2),
      { type: 'finish' },
    ]);
    expect(adapter.read(frames).violations).toMatchObject([
      { code: 'duplicate_tool_completed', toolCallId: 'c', message: 'run msg-1: tool call c completed twice' },
    ]);
  });
});
