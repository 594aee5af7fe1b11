/**
 * What a failed model request means for a run: retried (a 429, a 5xx, no
 * answer in time, a refused or reset connection) or failed at once with a
 * message that names the cause and what to check. Messages never carry the
 * API key: provider texts are redacted before they are quoted.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { formatDuration, type LlmSettings, MAX_RETRY_AFTER_MS } from './options';

/** Why an attempt failed in a way another attempt may fix. */
export type RetryableCause =
  | { kind: 'rate_limited'; status: number; retryAfterMs?: number }
  | { kind: 'server_error'; status: number }
  | { kind: 'unreachable'; reason: string };

/** A provider text quoted in an error is cut to this length. */
const MAX_DETAIL_CHARS = 200;

/** Maps an error from opening the request; throws a user-readable Error when no retry can help. */
export function classifyRequestError(error: unknown, settings: LlmSettings): RetryableCause {
  if (error instanceof APIConnectionTimeoutError) {
    return { kind: 'unreachable', reason: `no response within ${formatDuration(settings.requestTimeoutMs)}` };
  }
  if (error instanceof APIConnectionError) return { kind: 'unreachable', reason: connectionReason(error) };
  if (!(error instanceof APIError) || error.status === undefined) throw error;
  const { status } = error;
  if (status === 401 || status === 403) {
    throw new Error(`the model provider refused the API key (HTTP ${status}); check LLM_API_KEY`);
  }
  if (status === 429) return { kind: 'rate_limited', status, ...retryAfter(error.headers) };
  if (status >= 500 || status === 408 || status === 409) return { kind: 'server_error', status };
  const detail = providerDetail(error, settings.apiKey);
  if (status === 404) {
    throw new Error(`the model provider answered HTTP 404 (${detail}); check LLM_BASE_URL and LLM_MODEL`);
  }
  throw new Error(`the model provider rejected the request (HTTP ${status}): ${detail}`);
}

/** The thought that announces a retry, e.g. "The model provider is busy (HTTP 429); retrying in 1 s (attempt 2 of 3)". */
export function retryThought(
  cause: RetryableCause,
  waitMs: number,
  nextAttempt: number,
  attempts: number,
  host: string,
) {
  const when = `retrying in ${formatDuration(waitMs)} (attempt ${nextAttempt} of ${attempts})`;
  switch (cause.kind) {
    case 'rate_limited':
      return `The model provider is busy (HTTP ${cause.status}); ${when}`;
    case 'server_error':
      return `The model provider failed (HTTP ${cause.status}); ${when}`;
    case 'unreachable':
      return `Could not reach the model provider at ${host} (${cause.reason}); ${when}`;
  }
}

/** The run's error once every attempt has failed. */
export function exhaustedMessage(cause: RetryableCause, attempts: number, host: string): string {
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  switch (cause.kind) {
    case 'rate_limited':
      return `the model provider is still rate limited after ${tries} (HTTP ${cause.status})`;
    case 'server_error':
      return `the model provider failed with HTTP ${cause.status} after ${tries}`;
    case 'unreachable':
      return `could not reach the model provider at ${host} after ${tries}: ${cause.reason}`;
  }
}

/** The provider's own words about a failure, redacted and cut short. */
export function providerDetail(error: APIError, apiKey: string): string {
  const body = error.error;
  const nested = isRecord(body) && typeof body.message === 'string' ? body.message : undefined;
  const raw = nested ?? error.message ?? 'no details';
  const text = redact(raw, apiKey).replace(/\s+/g, ' ').trim();
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text || 'no details';
}

/**
 * Removes the key and anything shaped like one: providers echo a mangled key
 * back ("Incorrect API key provided: sk-ab***yz"), and that is still too much.
 */
export function redact(text: string, apiKey: string): string {
  const withoutKey = apiKey.length > 0 ? text.split(apiKey).join('[redacted]') : text;
  return withoutKey.replace(/\b(?:sk|rk)-[\w*.-]{4,}/g, '[redacted]');
}

/** `Retry-After` (seconds or an HTTP date) or OpenAI's `retry-after-ms`, capped so a run never waits silently for long. */
export function retryAfter(headers: Headers | undefined, now = Date.now()): { retryAfterMs?: number } {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return { retryAfterMs: clampWait(Number(ms)) };
  const value = headers?.get('retry-after')?.trim();
  if (!value) return {};
  if (/^\d+(\.\d+)?$/.test(value)) return { retryAfterMs: clampWait(Number(value) * 1000) };
  const date = Date.parse(value);
  return Number.isNaN(date) ? {} : { retryAfterMs: clampWait(date - now) };
}

function clampWait(ms: number): number {
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was reset',
  UND_ERR_SOCKET: 'the connection closed before the model answered',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

/** A plain-words reason from the error's cause chain (undici nests the system error). */
export function connectionReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') return CONNECTION_CODES[code] ?? `network error ${code}`;
    current = current.cause;
  }
  return 'a network error';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
