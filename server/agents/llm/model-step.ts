/**
 * One model step: a streamed Chat Completions request, retried with backoff
 * while nothing of it has reached the user, then read chunk by chunk under an
 * idle timeout. Whatever goes wrong ends as a retry announced in a thought or
 * as an Error whose message names the cause: never as a run that hangs.
 */
import type OpenAI from 'openai';
import { APIConnectionError, APIError } from 'openai';
import type { ChatCompletionFunctionTool, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { AgentContext } from '../../runtime/agent';
import { formatDuration, type LlmSettings, MAX_RETRY_DELAY_MS } from './options';
import {
  classifyRequestError,
  connectionReason,
  exhaustedMessage,
  providerDetail,
  type RetryableCause,
  retryThought,
} from './provider-errors';
import { StepReader, type StepResult } from './step-reader';
import { MalformedChunkError, readChunk } from './stream-chunk';

export interface StepRequest {
  client: OpenAI;
  settings: LlmSettings;
  context: AgentContext;
  messages: readonly ChatCompletionMessageParam[];
  tools: readonly ChatCompletionFunctionTool[];
}

type Attempt = { ok: true; result: StepResult } | { ok: false; cause: RetryableCause };

/** Runs one step to its finish reason, retrying what is safe to retry. */
export async function runModelStep(request: StepRequest): Promise<StepResult> {
  const { settings, context } = request;
  const attempts = settings.maxRetries + 1;
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptStep(request);
    if (outcome.ok) return outcome.result;
    if (attempt >= attempts) throw new Error(exhaustedMessage(outcome.cause, attempts, settings.host));
    const waitMs = backoffMs(outcome.cause, attempt, settings.retryBaseMs);
    context.think(retryThought(outcome.cause, waitMs, attempt + 1, attempts, settings.host));
    await context.pause(waitMs);
  }
}

/** The wait before attempt `attempt + 1`: the provider's Retry-After when it gave one, else doubling from `baseMs`. */
export function backoffMs(cause: RetryableCause, attempt: number, baseMs: number): number {
  if (cause.kind === 'rate_limited' && cause.retryAfterMs !== undefined) return cause.retryAfterMs;
  return Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** (attempt - 1));
}

async function attemptStep({ client, settings, context, messages, tools }: StepRequest): Promise<Attempt> {
  const idle = new IdleWatch(settings.idleTimeoutMs);
  // One signal for both: a cancel and a silent provider must each abort the HTTP stream at once.
  const signal = AbortSignal.any([context.signal, idle.signal]);
  let stream: AsyncIterable<unknown>;
  try {
    stream = await client.chat.completions.create(
      {
        model: settings.model,
        messages: [...messages],
        stream: true,
        ...(tools.length > 0 ? { tools: [...tools] } : {}),
      },
      { signal, timeout: settings.requestTimeoutMs, maxRetries: 0 },
    );
  } catch (error) {
    throwIfCancelled(context.signal);
    return { ok: false, cause: classifyRequestError(error, settings) };
  }
  const reader = new StepReader({ text: (delta) => context.stream(delta), thought: (text) => context.think(text) });
  let failure: unknown;
  idle.arm();
  try {
    for await (const raw of stream) {
      idle.arm();
      reader.accept(readChunk(raw));
    }
  } catch (error) {
    failure = error;
  } finally {
    idle.disarm();
  }
  throwIfCancelled(context.signal);
  if (idle.fired) throw new Error(`the model provider went silent for ${formatDuration(settings.idleTimeoutMs)}`);
  reader.flushReasoning();
  if (failure === undefined && reader.finishReason !== undefined) return { ok: true, result: reader.result() };
  return streamFailure(failure, reader, settings);
}

/**
 * A stream that broke or ended without a finish reason. Retrying is safe only while the user has seen
 * nothing of the answer: once text was streamed or a tool call started, a retry would show a different
 * answer after the first, so the run fails and says where the answer was cut.
 */
function streamFailure(failure: unknown, reader: StepReader, settings: LlmSettings): Attempt {
  if (failure instanceof MalformedChunkError) throw failure;
  if (failure instanceof SyntaxError) throw new Error('the model provider sent a stream event that is not valid JSON');
  if (failure instanceof APIError && !(failure instanceof APIConnectionError)) {
    throw new Error(`the model provider reported an error mid-stream: ${providerDetail(failure, settings.apiKey)}`);
  }
  const how = failure === undefined ? 'the stream ended without a finish reason' : 'the connection closed';
  if (reader.inToolCall) throw new Error(`the model's answer was cut off in the middle of a tool call (${how})`);
  if (reader.streamedText) throw new Error(`the model's answer was cut off mid-stream (${how})`);
  const reason = failure === undefined ? 'the stream ended before the model answered' : connectionReason(failure);
  return { ok: false, cause: { kind: 'unreachable', reason } };
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

/** Aborts its signal when `arm()` is not called again within `ms`: every chunk re-arms it. */
class IdleWatch {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(ms: number) {
    this.#ms = ms;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  arm(): void {
    if (this.#timer) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#controller.abort(new Error('the model provider went silent'));
    }, this.#ms);
  }

  disarm(): void {
    clearTimeout(this.#timer);
  }
}
