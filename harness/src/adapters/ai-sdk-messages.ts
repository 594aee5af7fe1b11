/**
 * The assistant message each UI message stream builds, assembled by the AI
 * SDK itself (`readUIMessageStream`) from the frames a page received: what
 * the page should show, to cross-check the adapter's run events against
 * (the text the partial_results join to, the tool calls and their states).
 */
import { readUIMessageStream, type UIMessage, type UIMessageChunk, uiMessageChunkSchema } from 'ai';
import type { CapturedFrame } from './adapter';
import type { AiSdkProtocolOptions } from './ai-sdk';

/** The message one stream builds, as the AI SDK assembles it. */
export interface AiSdkStreamMessage {
  channel: number;
  url: string;
  /** The assistant message after the stream's last chunk; undefined when no chunk built one. */
  message?: UIMessage;
  /** Why the SDK stopped reading the stream (a chunk out of order, say), when it did. */
  error?: string;
}

/**
 * Each stream's assistant message, built by the SDK's own `readUIMessageStream`
 * from the valid chunks, every stream on its own (as a fresh `useChat` reads
 * it): what a page should show, to cross-check the run events against.
 */
export async function readAiSdkMessages(
  frames: readonly CapturedFrame[],
  options: Pick<AiSdkProtocolOptions, 'url'> = {},
): Promise<AiSdkStreamMessage[]> {
  const url = options.url ?? /\/api\/chat/;
  const byChannel = new Map<number, CapturedFrame[]>();
  for (const frame of frames) {
    if (frame.transport !== 'sse' || !url.test(frame.url) || frame.data === '[DONE]') continue;
    byChannel.set(frame.channel, [...(byChannel.get(frame.channel) ?? []), frame]);
  }
  const schema = uiMessageChunkSchema();
  const messages: AiSdkStreamMessage[] = [];
  for (const [channel, own] of byChannel) {
    const chunks: UIMessageChunk[] = [];
    for (const frame of own) {
      const parsed = await schema.validate?.(safeJson(frame.data));
      if (parsed?.success) chunks.push(parsed.value);
    }
    const stream = new ReadableStream<UIMessageChunk>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    let message: UIMessage | undefined;
    let error: string | undefined;
    const onError = (cause: unknown) => {
      error ??= cause instanceof Error ? cause.message : String(cause);
    };
    for await (const snapshot of readUIMessageStream<UIMessage>({ stream, onError })) message = snapshot;
    messages.push({ channel, url: own[0]?.url ?? '', ...(message ? { message } : {}), ...(error ? { error } : {}) });
  }
  return messages;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
