/** Frames and readers shared by the AI SDK adapter's tests. */
import type { UIMessage } from 'ai';
import type { RunEvent } from '../../../protocol';
import type { CapturedFrame } from './adapter';
import { aiSdkProtocol } from './ai-sdk';
import recorded from './ai-sdk.recorded.json';

export const adapter = aiSdkProtocol();
export const typed = recorded as Record<keyof typeof recorded, CapturedFrame[]>;

/** Frames of one stream: chunks as objects, `[DONE]` and broken frames as text. */
export function stream(
  chunks: readonly (object | string)[],
  channel = 1,
  url = 'http://127.0.0.1:3300/api/chat',
): CapturedFrame[] {
  return chunks.map((chunk, i) => ({
    transport: 'sse',
    channel,
    url,
    at: channel * 1000 + i * 10,
    epochMs: 1_700_000_000_000 + channel * 1000 + i * 10,
    data: typeof chunk === 'string' ? chunk : JSON.stringify(chunk),
  }));
}

export const text = (id: string, ...deltas: string[]) => [
  { type: 'text-start', id },
  ...deltas.map((delta) => ({ type: 'text-delta', id, delta })),
  { type: 'text-end', id },
];
export const toolCall = (toolCallId: string, toolName: string, input: unknown) => [
  { type: 'tool-input-start', toolCallId, toolName },
  { type: 'tool-input-available', toolCallId, toolName, input },
];
export const answered = (toolCallId: string, output: unknown) => ({
  type: 'tool-output-available',
  toolCallId,
  output,
});

export const types = (events: readonly RunEvent[]) => events.map((event) => event.type);
export const answerOf = (events: readonly RunEvent[]) =>
  events.flatMap((event) => (event.type === 'partial_result' ? [event.payload.delta] : [])).join('');
export const textOf = (message: UIMessage | undefined) =>
  (message?.parts ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : []));
