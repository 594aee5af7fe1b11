/**
 * One tool round: every call the model asked for in a step runs at once
 * through the dispatcher (so each shows on the page with its events), and
 * each result goes back to the model as a `tool` message under its call's id.
 * A call the model got wrong (arguments that are not JSON, an unknown tool)
 * becomes a failed call the model reads and can recover from, not a crash.
 */
import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { AgentContext } from '../../runtime/agent';
import type { ToolOutcome } from '../../runtime/tool-dispatcher';
import { defineTool } from '../../tools/tool';
import type { AssembledToolCall } from './tool-call-assembler';

type ParsedArguments = { ok: true; value: unknown } | { ok: false; error: string };

/** Runs the calls in parallel; resolves with one `tool` message per call, in the calls' order. */
export async function runToolRound(
  context: AgentContext,
  calls: readonly AssembledToolCall[],
): Promise<ChatCompletionMessageParam[]> {
  const outcomes = await Promise.all(calls.map((call) => invoke(context, call)));
  return calls.map((call, index) => ({
    role: 'tool',
    tool_call_id: call.id,
    content: resultContent(outcomes[index]),
  }));
}

/** The assistant message that asked for the calls, as the model must see it again in the next step. */
export function assistantToolCallMessage(
  content: string,
  calls: readonly AssembledToolCall[],
): ChatCompletionMessageParam {
  const toolCalls: ChatCompletionMessageToolCall[] = calls.map((call) => ({
    id: call.id,
    type: 'function',
    // Some servers (Ollama, vLLM) parse the history's arguments and refuse the whole request when they are
    // not JSON; the call's tool message tells the model what was wrong with them.
    function: { name: call.name, arguments: parseArguments(call.arguments).ok ? call.arguments : '{}' },
  }));
  return { role: 'assistant', content: content || null, tool_calls: toolCalls };
}

function parseArguments(text: string): ParsedArguments {
  // Providers send "" for a call without arguments.
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function invoke(context: AgentContext, call: AssembledToolCall): Promise<ToolOutcome> {
  const parsed = parseArguments(call.arguments);
  if (parsed.ok) return context.callTool(call.name, parsed.value);
  // Still through the dispatcher, so the page shows the call (its raw arguments) and its error.
  return context.runOwnTool(malformedCall(call.name, parsed.error), call.arguments);
}

/** A stand-in for a call whose arguments are not JSON: it fails, naming the parse error. */
function malformedCall(name: string, parseError: string) {
  return defineTool({
    name,
    description: 'A tool call whose arguments are not valid JSON.',
    args: z.unknown(),
    keepAlive: false,
    execute: () => {
      throw new Error(`arguments are not valid JSON: ${parseError}`);
    },
  });
}

function resultContent(outcome: ToolOutcome | undefined): string {
  if (!outcome) return JSON.stringify({ error: 'the tool call did not run' });
  return outcome.ok ? JSON.stringify(outcome.result ?? null) : JSON.stringify({ error: outcome.error });
}
