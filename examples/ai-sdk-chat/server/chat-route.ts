/**
 * `POST /api/chat`, as the AI SDK docs write the route: the UI messages in,
 * `streamText` with tools and a step limit, and the UI message stream out.
 * It is a web-standard handler (Request in, Response out); server/main.ts
 * mounts it on node:http.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { AISDKError, convertToModelMessages, createIdGenerator, stepCountIs, streamText, type UIMessage } from 'ai';
import { tools } from './tools';

const provider = createOpenAICompatible({
  name: 'llm',
  baseURL: process.env.LLM_BASE_URL ?? 'http://127.0.0.1:4010/v1',
  apiKey: process.env.LLM_API_KEY ?? 'mock',
});
const model = provider.chatModel(process.env.LLM_MODEL ?? 'mock-model');

export async function POST(req: Request): Promise<Response> {
  const { messages }: { messages: UIMessage[] } = await req.json();

  const result = streamText({
    model,
    system: 'You are a helpful assistant. Use the tools for arithmetic and lookups.',
    messages: await convertToModelMessages(messages),
    tools,
    stopWhen: stepCountIs(5),
    // Stop the model and the tools when the page stops reading (its Stop button).
    abortSignal: req.signal,
    // A provider failure reaches the page at once rather than after the default retries.
    maxRetries: 0,
    // The response's onError below logs it once, in one line (the default logs the whole error object).
    onError: () => {},
  });

  return result.toUIMessageStreamResponse({
    // Server-side message ids, as the persistence docs set them up: a message keeps its id from the first chunk.
    originalMessages: messages,
    generateMessageId: createIdGenerator({ prefix: 'msg', size: 16 }),
    sendReasoning: true,
    // The docs' advice: a generic message for the model's failures (they can
    // carry provider details), the tool's own message for a tool that failed.
    onError: (error) => {
      if (AISDKError.isInstance(error) || !(error instanceof Error)) {
        console.error('chat stream failed:', error instanceof Error ? error.message : error);
        return 'Something went wrong. Please try again.';
      }
      return error.message;
    },
  });
}
