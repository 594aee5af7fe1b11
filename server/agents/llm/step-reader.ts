/**
 * Reads the chunks of one model step: answer text goes out as it comes,
 * reasoning is gathered into one thought per segment (a segment ends when
 * text or a tool call starts, or the stream ends), and tool calls are
 * assembled. It also remembers what the user has already seen, which decides
 * whether a failure may be retried.
 */
import type { ChunkDelta } from './stream-chunk';
import { type AssembledToolCall, ToolCallAssembler } from './tool-call-assembler';

/** A reasoning thought longer than this is cut, so the trail stays readable. */
export const MAX_THOUGHT_CHARS = 280;
/** Reasoning kept per segment: only its start is shown, and a model may reason for pages. */
const MAX_REASONING_KEPT_CHARS = MAX_THOUGHT_CHARS * 8;

export interface StepSinks {
  /** A piece of the answer, to stream to the user at once. */
  text(delta: string): void;
  /** One finished segment of provider reasoning, already trimmed. */
  thought(text: string): void;
}

export interface StepResult {
  content: string;
  toolCalls: AssembledToolCall[];
  finishReason: string;
}

export class StepReader {
  readonly #sinks: StepSinks;
  readonly #toolCalls = new ToolCallAssembler();
  #content = '';
  #reasoning = '';
  #finishReason: string | undefined;

  constructor(sinks: StepSinks) {
    this.#sinks = sinks;
  }

  accept(delta: ChunkDelta): void {
    if (delta.reasoning && this.#reasoning.length < MAX_REASONING_KEPT_CHARS) this.#reasoning += delta.reasoning;
    if (delta.content) {
      this.flushReasoning();
      this.#content += delta.content;
      this.#sinks.text(delta.content);
    }
    if (delta.toolCalls.length > 0) {
      this.flushReasoning();
      for (const fragment of delta.toolCalls) this.#toolCalls.add(fragment);
    }
    if (delta.finishReason) this.#finishReason = delta.finishReason;
  }

  /** Emits the reasoning gathered so far as one thought (when there is any). */
  flushReasoning(): void {
    const thought = readableThought(this.#reasoning);
    this.#reasoning = '';
    if (thought) this.#sinks.thought(thought);
  }

  /** Answer text has been streamed: the user saw it, so this step must not be retried. */
  get streamedText(): boolean {
    return this.#content.length > 0;
  }

  /** A tool call has started to arrive. */
  get inToolCall(): boolean {
    return this.#toolCalls.started;
  }

  /** The finish reason, once the provider has sent one: without it the answer is incomplete. */
  get finishReason(): string | undefined {
    return this.#finishReason;
  }

  result(): StepResult {
    return { content: this.#content, toolCalls: this.#toolCalls.calls(), finishReason: this.#finishReason ?? '' };
  }
}

/** One line, whitespace collapsed, cut at MAX_THOUGHT_CHARS on a word boundary where one is near. */
export function readableThought(reasoning: string): string {
  const text = reasoning.replace(/\s+/g, ' ').trim();
  if (text.length <= MAX_THOUGHT_CHARS) return text;
  const cut = text.slice(0, MAX_THOUGHT_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_THOUGHT_CHARS * 0.7 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
