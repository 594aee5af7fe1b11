/**
 * The llm agent's options, their defaults, and the settings a run works with.
 * Every limit has a default, so a provider that misbehaves ends a run with a
 * clear error instead of a spinner.
 */
import type { ToolSpec } from '../../runtime/tool-dispatcher';

export const LLM_AGENT_NAME = 'llm';

/** No stream chunk for this long ends the run: "the model provider went silent". */
const DEFAULT_LLM_IDLE_TIMEOUT_MS = 30_000;
/** No response headers within this long counts as unreachable (retried), what a user sees as a connect timeout. */
const DEFAULT_LLM_REQUEST_TIMEOUT_MS = 15_000;
/** Retries of one model request after a 429, a 5xx or an unreachable provider (so 3 attempts). */
const DEFAULT_LLM_MAX_RETRIES = 2;
/** First backoff between attempts; it doubles per attempt up to MAX_RETRY_DELAY_MS. */
const DEFAULT_LLM_RETRY_BASE_MS = 500;
/** Model requests one run may make (each tool round costs one). */
const DEFAULT_LLM_MAX_STEPS = 8;
/** Longest backoff between two attempts, however many came before. */
export const MAX_RETRY_DELAY_MS = 8_000;
/** Longest wait a provider's `Retry-After` may impose; beyond it a user would think the run hung. */
export const MAX_RETRY_AFTER_MS = 30_000;

const DEFAULT_SYSTEM_PROMPT =
  'You are the assistant of a chat app. Answer briefly and plainly. ' +
  'Call the tools you are given when they help, and say so when a tool fails.';

export interface LlmAgentOptions {
  /** OpenAI-compatible API base, including its version path, e.g. `https://api.openai.com/v1`. Required. */
  baseUrl: string;
  /** Sent as the bearer token. Required; never logged nor put into an error. */
  apiKey: string;
  /** Model name, e.g. `gpt-4o-mini`. Required. */
  model: string;
  /**
   * Once the response has started, no chunk for this long aborts the request and fails the run.
   * @default DEFAULT_LLM_IDLE_TIMEOUT_MS (30 s)
   */
  idleTimeoutMs?: number;
  /**
   * No response headers within this long aborts the attempt (retried as "could not reach").
   * @default DEFAULT_LLM_REQUEST_TIMEOUT_MS (15 s)
   */
  requestTimeoutMs?: number;
  /**
   * Retries after a 429, a 5xx, a timeout or a refused/reset connection before any output.
   * @default DEFAULT_LLM_MAX_RETRIES (2)
   */
  maxRetries?: number;
  /**
   * First backoff; doubles per attempt, capped at MAX_RETRY_DELAY_MS (8 s). A 429's `Retry-After`
   * wins when given (capped at MAX_RETRY_AFTER_MS, 30 s).
   * @default DEFAULT_LLM_RETRY_BASE_MS (500 ms)
   */
  retryBaseMs?: number;
  /**
   * Model requests per run; a model still asking for tools at the last one fails the run.
   * @default DEFAULT_LLM_MAX_STEPS (8)
   */
  maxSteps?: number;
  /** The tools the model may call, read at the start of every run. @default no tools */
  tools?: () => readonly ToolSpec[];
  /** The system message of every run. @default DEFAULT_SYSTEM_PROMPT */
  systemPrompt?: string;
  /** The fetch the OpenAI client uses (tests observe or break requests with it). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

/** The options with every default applied. */
export interface LlmSettings {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** `host:port` of the base URL, to name the provider in errors without leaking anything else. */
  host: string;
  idleTimeoutMs: number;
  requestTimeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  maxSteps: number;
  systemPrompt: string;
}

export function resolveSettings(options: LlmAgentOptions): LlmSettings {
  const url = URL.canParse(options.baseUrl) ? new URL(options.baseUrl) : undefined;
  // `localhost:11434` parses, as a URL of scheme "localhost:": only http(s) reaches a provider.
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new Error('the llm agent needs an http(s) base URL, e.g. https://api.openai.com/v1');
  }
  const { host } = url;
  return {
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    model: options.model,
    host,
    idleTimeoutMs: positive(options.idleTimeoutMs, DEFAULT_LLM_IDLE_TIMEOUT_MS),
    requestTimeoutMs: positive(options.requestTimeoutMs, DEFAULT_LLM_REQUEST_TIMEOUT_MS),
    maxRetries: Math.max(0, Math.floor(options.maxRetries ?? DEFAULT_LLM_MAX_RETRIES)),
    retryBaseMs: Math.max(0, options.retryBaseMs ?? DEFAULT_LLM_RETRY_BASE_MS),
    maxSteps: Math.max(1, Math.floor(options.maxSteps ?? DEFAULT_LLM_MAX_STEPS)),
    systemPrompt: options.systemPrompt ?? DEFAULT_SYSTEM_PROMPT,
  };
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** `1 s`, `1.5 s`, `300 ms`: durations as people read them in thoughts and errors. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 100) / 10;
  return `${seconds} s`;
}
