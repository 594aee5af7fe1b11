/**
 * The `llm` agent: answers with a language model behind any OpenAI-compatible
 * Chat Completions API (OpenAI, vLLM, Ollama, DeepSeek, …), streamed, with the
 * dispatcher's tools. Each step asks the model, streams its text, runs the
 * tools it asks for in parallel and feeds their results back, until it
 * answers or `maxSteps` runs out. Failures end the run with a readable error
 * (see provider-errors.ts and model-step.ts).
 */
import OpenAI from 'openai';
import type { ChatCompletionFunctionTool, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Agent, AgentContext } from '../../runtime/agent';
import type { ToolSpec } from '../../runtime/tool-dispatcher';
import { runModelStep } from './model-step';
import { LLM_AGENT_NAME, type LlmAgentOptions, type LlmSettings, resolveSettings } from './options';
import type { StepResult } from './step-reader';
import { assistantToolCallMessage, runToolRound } from './tool-round';

export type { LlmAgentOptions } from './options';

export function createLlmAgent(options: LlmAgentOptions): Agent {
  const settings = resolveSettings(options);
  const client = new OpenAI({
    baseURL: settings.baseUrl,
    apiKey: settings.apiKey,
    // Retries are ours, so each one is announced to the user; the SDK's would be invisible.
    maxRetries: 0,
    timeout: settings.requestTimeoutMs,
    // The SDK's own logging could print request details; every failure reaches the user as the run's error.
    logLevel: 'off',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    name: LLM_AGENT_NAME,
    description: `Answers with the language model ${settings.model}, which can call the tools.`,
    run: (context) => runConversation(context, client, settings, toFunctionTools(options.tools?.() ?? [])),
  };
}

async function runConversation(
  context: AgentContext,
  client: OpenAI,
  settings: LlmSettings,
  tools: ChatCompletionFunctionTool[],
): Promise<void> {
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: settings.systemPrompt },
    { role: 'user', content: context.input },
  ];
  for (let step = 1; step <= settings.maxSteps; step++) {
    context.think(step === 1 ? `Asking ${settings.model}` : 'Reading the tool results');
    const result = await runModelStep({ client, settings, context, messages, tools });
    assertComplete(result);
    if (result.toolCalls.length === 0) {
      if (result.content.trim() === '') throw new Error('the model finished without an answer');
      return;
    }
    if (step === settings.maxSteps) break;
    messages.push(assistantToolCallMessage(result.content, result.toolCalls));
    messages.push(...(await runToolRound(context, result.toolCalls)));
  }
  throw new Error(
    `the model was still calling tools after ${settings.maxSteps} steps (LLM_MAX_STEPS), so it was stopped without an answer`,
  );
}

/** A step the provider ended early (its length limit, a content filter) is not an answer to show as done. */
function assertComplete({ finishReason, toolCalls }: StepResult): void {
  if (finishReason === 'length') {
    const where = toolCalls.length > 0 ? 'in the middle of a tool call' : 'before the answer was complete';
    throw new Error(`the model reached its output limit ${where} (finish reason "length")`);
  }
  if (finishReason === 'content_filter') {
    throw new Error(`the model provider's content filter stopped the answer (finish reason "content_filter")`);
  }
}

function toFunctionTools(specs: readonly ToolSpec[]): ChatCompletionFunctionTool[] {
  return specs.map(({ name, description, parameters }) => ({
    type: 'function',
    function: { name, description, parameters },
  }));
}
