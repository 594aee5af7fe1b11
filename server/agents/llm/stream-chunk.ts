/**
 * The part of a Chat Completions stream chunk this agent relies on, validated:
 * chunks come from the network, from providers that each bend the format a
 * little (vLLM, Ollama and DeepSeek send reasoning; some omit a tool call's
 * `index`; most send `null` for what is absent).
 */
import { z } from 'zod';
import { describeIssues } from '../../../protocol';

const toolCallFragmentSchema = z.object({
  index: z.number().int().nonnegative().nullish(),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

const deltaSchema = z.object({
  content: z.string().nullish(),
  /** vLLM and DeepSeek. */
  reasoning_content: z.string().nullish(),
  /** Ollama and OpenRouter. */
  reasoning: z.string().nullish(),
  tool_calls: z.array(toolCallFragmentSchema).nullish(),
});

const choiceSchema = z.object({
  index: z.number().int().nullish(),
  delta: deltaSchema.nullish(),
  finish_reason: z.string().nullish(),
});

const chunkSchema = z.object({
  // A usage-only chunk has no choices at all.
  choices: z.array(choiceSchema).nullish(),
});

export interface ToolCallFragment {
  index?: number;
  id?: string;
  name?: string;
  arguments?: string;
}

/** What one chunk says about the (single) choice this agent asks for. */
export interface ChunkDelta {
  content: string;
  reasoning: string;
  toolCalls: ToolCallFragment[];
  finishReason?: string;
}

/** Raised for a chunk this agent cannot read; the run fails with it (retrying would get the same). */
export class MalformedChunkError extends Error {}

/** Reads choice 0 of a raw chunk; a chunk without it (usage, keep-alive) reads as empty. */
export function readChunk(raw: unknown): ChunkDelta {
  const parsed = chunkSchema.safeParse(raw);
  if (!parsed.success) {
    throw new MalformedChunkError(
      `the model provider sent a stream chunk this agent cannot read: ${describeIssues(parsed.error)}`,
    );
  }
  const choice = parsed.data.choices?.find((candidate) => (candidate.index ?? 0) === 0);
  const delta = choice?.delta;
  return {
    content: delta?.content ?? '',
    reasoning: delta?.reasoning_content || delta?.reasoning || '',
    toolCalls: (delta?.tool_calls ?? []).map((fragment) => ({
      ...(fragment.index != null ? { index: fragment.index } : {}),
      ...(fragment.id ? { id: fragment.id } : {}),
      ...(fragment.function?.name ? { name: fragment.function.name } : {}),
      ...(fragment.function?.arguments ? { arguments: fragment.function.arguments } : {}),
    })),
    ...(choice?.finish_reason ? { finishReason: choice.finish_reason } : {}),
  };
}
