/**
 * Test support for the AG-UI adapter's tests: captured frames made by hand
 * (one SSE frame per AG-UI event, 10 ms apart) and recorded from
 * examples/agui-chat, and builders for the events of a run.
 */
import { readFileSync } from 'node:fs';
import type { CapturedFrame } from './adapter';
import { type AguiProtocolOptions, aguiProtocol } from './agui';

const URL_ = 'http://127.0.0.1:3200/api/agui';
let clock = 0;

export type Event = Record<string, unknown> & { type: string };
export const frame = (event: Event | string, channel = 1): CapturedFrame => {
  clock += 10;
  const data = typeof event === 'string' ? event : JSON.stringify(event);
  return { transport: 'sse', channel, url: URL_, at: clock, epochMs: 1_700_000_000_000 + clock, data };
};
export const frames = (events: readonly Event[], channel = 1) => events.map((event) => frame(event, channel));
export const read = (input: readonly CapturedFrame[], options?: AguiProtocolOptions) =>
  aguiProtocol(options).read(input);
export const codes = (input: readonly CapturedFrame[], options?: AguiProtocolOptions) =>
  read(input, options).violations.map((violation) => violation.code);
export const recording = (name: string): CapturedFrame[] =>
  JSON.parse(
    readFileSync(new URL(`../../../examples/agui-chat/recordings/${name}.frames.json`, import.meta.url), 'utf8'),
  );

export const started = (runId = 'r1', threadId = 't1'): Event => ({ type: 'RUN_STARTED', threadId, runId });
export const finished = (runId = 'r1', extra: Record<string, unknown> = {}): Event => ({
  type: 'RUN_FINISHED',
  threadId: 't1',
  runId,
  ...extra,
});
export const errored = (message = 'the model failed'): Event => ({ type: 'RUN_ERROR', message });
export const text = (id: string, ...deltas: string[]): Event[] => [
  { type: 'TEXT_MESSAGE_START', messageId: id, role: 'assistant' },
  ...deltas.map((delta) => ({ type: 'TEXT_MESSAGE_CONTENT', messageId: id, delta })),
  { type: 'TEXT_MESSAGE_END', messageId: id },
];
export const callStart = (id: string, name = 'calculator'): Event => ({
  type: 'TOOL_CALL_START',
  toolCallId: id,
  toolCallName: name,
});
export const callArgs = (id: string, delta: string): Event => ({ type: 'TOOL_CALL_ARGS', toolCallId: id, delta });
export const callEnd = (id: string): Event => ({ type: 'TOOL_CALL_END', toolCallId: id });
export const callResult = (id: string, content = '42'): Event => ({
  type: 'TOOL_CALL_RESULT',
  messageId: `m-${id}`,
  toolCallId: id,
  content,
});
export const call = (id: string, name = 'calculator'): Event[] => [
  callStart(id, name),
  callArgs(id, '{"expression":'),
  callArgs(id, '"6 * 7"}'),
  callEnd(id),
  callResult(id),
];
