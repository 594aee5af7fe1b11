/**
 * The thread as the page's HttpAgent sends it (AG-UI messages, tool calls and
 * their results included) turned into OpenAI chat messages for the model.
 */
import { contentToText, type Message } from '@ag-ui/core';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

const SYSTEM_PROMPT =
  'You are a helpful assistant in a demo chat. Use the calculator for arithmetic and the lookup tool for facts.';

export function toOpenAiMessages(messages: readonly Message[]): ChatCompletionMessageParam[] {
  const converted: ChatCompletionMessageParam[] = [{ role: 'system', content: SYSTEM_PROMPT }];
  for (const message of messages) {
    switch (message.role) {
      case 'user':
        converted.push({ role: 'user', content: contentToText(message.content) });
        break;
      case 'system':
      case 'developer':
        converted.push({ role: 'system', content: contentToText(message.content) });
        break;
      case 'assistant': {
        const toolCalls = (message.toolCalls ?? []).map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.function.name, arguments: call.function.arguments },
        }));
        const content = contentToText(message.content) || null;
        converted.push({ role: 'assistant', content, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) });
        break;
      }
      case 'tool':
        converted.push({ role: 'tool', tool_call_id: message.toolCallId, content: contentToText(message.content) });
        break;
      default:
        // Reasoning and activity messages are the page's to show, not the model's to read again.
        break;
    }
  }
  return converted;
}
