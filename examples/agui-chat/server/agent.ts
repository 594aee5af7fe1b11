/**
 * The agent: an OpenAI-compatible model, streamed, with tools the server runs
 * itself, as a stream of AG-UI events. Each model step streams its reasoning
 * (REASONING_*), its text (TEXT_MESSAGE_*) and its tool calls
 * (TOOL_CALL_START/ARGS/END); the server then runs the calls (TOOL_CALL_RESULT)
 * and asks the model again, until it answers without a call (RUN_FINISHED) or
 * something fails (RUN_ERROR).
 */
import { randomUUID } from 'node:crypto';
import { type BaseEvent, EventType, type RunAgentInput } from '@ag-ui/core';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { toOpenAiMessages } from './messages';
import { runTool, TOOL_DEFINITIONS } from './tools';

export interface AgentOptions {
  client: OpenAI;
  model: string;
  /** Aborted when the page goes away (Stop): the model request and any slow tool stop with it. */
  signal: AbortSignal;
  /** Model requests per run, so a model that keeps calling tools cannot loop forever. @default 5 */
  maxSteps?: number;
}

interface AssembledCall {
  id: string;
  name: string;
  args: string;
}

export async function* runAgent(input: RunAgentInput, options: AgentOptions): AsyncGenerator<BaseEvent> {
  const { threadId, runId } = input;
  yield { type: EventType.RUN_STARTED, threadId, runId };
  try {
    const conversation = toOpenAiMessages(input.messages);
    for (let step = 1; step <= (options.maxSteps ?? 5); step++) {
      const calls = yield* streamStep(conversation, options);
      if (calls.length === 0) {
        yield { type: EventType.RUN_FINISHED, threadId, runId };
        return;
      }
      for (const call of calls) {
        const content = await runTool(call.name, call.args, options.signal);
        conversation.push({ role: 'tool', tool_call_id: call.id, content });
        yield { type: EventType.TOOL_CALL_RESULT, messageId: randomUUID(), toolCallId: call.id, content, role: 'tool' };
      }
    }
    yield { type: EventType.RUN_ERROR, message: 'The model kept calling tools; gave up.' };
  } catch (error) {
    // Aborted: the page stopped the run and no longer listens.
    if (!options.signal.aborted) yield { type: EventType.RUN_ERROR, message: describeError(error) };
  }
}

/** One model request, streamed as AG-UI events; returns the tool calls the model made. */
async function* streamStep(
  conversation: ChatCompletionMessageParam[],
  { client, model, signal }: AgentOptions,
): AsyncGenerator<BaseEvent, AssembledCall[]> {
  const step = new StepEvents();
  const stream = await client.chat.completions.create(
    { model, messages: conversation, tools: TOOL_DEFINITIONS, stream: true },
    { signal },
  );
  for await (const chunk of stream) yield* step.of(chunk.choices[0]?.delta);
  yield* step.close();
  conversation.push(step.assistantMessage());
  return [...step.calls.values()];
}

/** One model step's stream chunks as AG-UI events: reasoning, then text and tool calls, each opened and closed. */
class StepEvents {
  readonly messageId = randomUUID();
  readonly calls = new Map<number, AssembledCall>();
  readonly #reasoningId = randomUUID();
  #reasoning = false;
  #text = '';

  *of(delta: ChatCompletionChunk.Choice.Delta | undefined): Generator<BaseEvent> {
    const thought = reasoningOf(delta);
    if (thought) {
      if (!this.#reasoning) {
        this.#reasoning = true;
        yield { type: EventType.REASONING_START, messageId: this.#reasoningId };
        yield { type: EventType.REASONING_MESSAGE_START, messageId: this.#reasoningId, role: 'reasoning' };
      }
      yield { type: EventType.REASONING_MESSAGE_CONTENT, messageId: this.#reasoningId, delta: thought };
    }
    if (delta?.content) {
      yield* this.#endReasoning();
      if (!this.#text) yield { type: EventType.TEXT_MESSAGE_START, messageId: this.messageId, role: 'assistant' };
      this.#text += delta.content;
      yield { type: EventType.TEXT_MESSAGE_CONTENT, messageId: this.messageId, delta: delta.content };
    }
    for (const fragment of delta?.tool_calls ?? []) {
      yield* this.#endReasoning();
      let call = this.calls.get(fragment.index);
      if (!call) {
        call = { id: fragment.id ?? randomUUID(), name: fragment.function?.name ?? '', args: '' };
        this.calls.set(fragment.index, call);
        const start = { toolCallId: call.id, toolCallName: call.name, parentMessageId: this.messageId };
        yield { type: EventType.TOOL_CALL_START, ...start };
      }
      const args = fragment.function?.arguments;
      if (args) {
        call.args += args;
        yield { type: EventType.TOOL_CALL_ARGS, toolCallId: call.id, delta: args };
      }
    }
  }

  /** The model's stream is over: its text and its calls' arguments are complete. */
  *close(): Generator<BaseEvent> {
    yield* this.#endReasoning();
    if (this.#text) yield { type: EventType.TEXT_MESSAGE_END, messageId: this.messageId };
    for (const call of this.calls.values()) yield { type: EventType.TOOL_CALL_END, toolCallId: call.id };
  }

  /** The step as the model will read it back next time. */
  assistantMessage(): ChatCompletionMessageParam {
    const toolCalls = [...this.calls.values()].map(({ id, name, args }) => ({
      id,
      type: 'function' as const,
      function: { name, arguments: args },
    }));
    return {
      role: 'assistant',
      content: this.#text || null,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    };
  }

  *#endReasoning(): Generator<BaseEvent> {
    if (!this.#reasoning) return;
    this.#reasoning = false;
    yield { type: EventType.REASONING_MESSAGE_END, messageId: this.#reasoningId };
    yield { type: EventType.REASONING_END, messageId: this.#reasoningId };
  }
}

/** Reasoning text, which OpenAI-compatible servers (vLLM, DeepSeek, Ollama) send outside the SDK's types. */
function reasoningOf(delta: ChatCompletionChunk.Choice.Delta | undefined): string {
  const extra = delta as { reasoning_content?: string | null; reasoning?: string | null } | undefined;
  return extra?.reasoning_content || extra?.reasoning || '';
}

function describeError(error: unknown): string {
  if (error instanceof OpenAI.APIError && error.status) {
    return `The model provider answered HTTP ${error.status}: ${error.message}`;
  }
  return `The agent failed: ${error instanceof Error ? error.message : String(error)}`;
}
