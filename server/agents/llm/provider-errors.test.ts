import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { backoffMs } from './model-step';
import { formatDuration, MAX_RETRY_AFTER_MS, MAX_RETRY_DELAY_MS, resolveSettings } from './options';
import {
  classifyRequestError,
  connectionReason,
  exhaustedMessage,
  redact,
  retryAfter,
  retryThought,
} from './provider-errors';

const settings = resolveSettings({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-secret-123456', model: 'm' });

function statusError(status: number, message = 'nope', headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { error: { message } }, undefined, new Headers(headers));
}

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

describe('classifyRequestError', () => {
  it('fails a refused key at once, naming LLM_API_KEY', () => {
    expect(() => classifyRequestError(statusError(401, 'Incorrect API key provided: sk-sec***456'), settings)).toThrow(
      'the model provider refused the API key (HTTP 401); check LLM_API_KEY',
    );
    expect(() => classifyRequestError(statusError(403), settings)).toThrow('refused the API key (HTTP 403)');
  });

  it('retries a 429 with its Retry-After, and 5xx, 408 and 409', () => {
    expect(classifyRequestError(statusError(429, 'slow down', { 'retry-after': '2' }), settings)).toEqual({
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 2000,
    });
    for (const status of [500, 502, 503, 408, 409]) {
      expect(classifyRequestError(statusError(status), settings)).toEqual({ kind: 'server_error', status });
    }
  });

  it('retries timeouts and connection errors, in plain words', () => {
    expect(classifyRequestError(new APIConnectionTimeoutError(), settings)).toEqual({
      kind: 'unreachable',
      reason: 'no response within 15 s',
    });
    const refused = new APIConnectionError({
      cause: Object.assign(new TypeError('fetch failed'), { cause: systemError('ECONNREFUSED') }),
    });
    expect(classifyRequestError(refused, settings)).toEqual({ kind: 'unreachable', reason: 'connection refused' });
  });

  it("fails other 4xx at once, quoting the provider's message redacted", () => {
    expect(() => classifyRequestError(statusError(400, 'bad key sk-secret-123456 here'), settings)).toThrow(
      'the model provider rejected the request (HTTP 400): bad key [redacted] here',
    );
    expect(() => classifyRequestError(statusError(404, 'The model `m` does not exist'), settings)).toThrow(
      'the model provider answered HTTP 404 (The model `m` does not exist); check LLM_BASE_URL and LLM_MODEL',
    );
  });

  it('rethrows what is not a provider error', () => {
    const bug = new RangeError('a bug');
    expect(() => classifyRequestError(bug, settings)).toThrow(bug);
  });
});

describe('retryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads seconds, an HTTP date and retry-after-ms', () => {
    expect(retryAfter(new Headers({ 'retry-after': '1' }), now)).toEqual({ retryAfterMs: 1000 });
    expect(retryAfter(new Headers({ 'retry-after': '0.5' }), now)).toEqual({ retryAfterMs: 500 });
    expect(retryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toEqual({
      retryAfterMs: 3000,
    });
    expect(retryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toEqual({
      retryAfterMs: 250,
    });
  });

  it('caps a long wait, floors a date in the past, and ignores nonsense', () => {
    expect(retryAfter(new Headers({ 'retry-after': '3600' }), now)).toEqual({ retryAfterMs: MAX_RETRY_AFTER_MS });
    expect(retryAfter(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toEqual({
      retryAfterMs: 0,
    });
    expect(retryAfter(new Headers({ 'retry-after': 'soon' }), now)).toEqual({});
    expect(retryAfter(undefined, now)).toEqual({});
  });
});

describe('backoffMs', () => {
  it('doubles from the base, up to the cap, unless the provider said when', () => {
    const busy = { kind: 'server_error', status: 503 } as const;
    expect([1, 2, 3, 4].map((attempt) => backoffMs(busy, attempt, 500))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffMs(busy, 20, 500)).toBe(MAX_RETRY_DELAY_MS);
    expect(backoffMs({ kind: 'rate_limited', status: 429, retryAfterMs: 1000 }, 3, 500)).toBe(1000);
    expect(backoffMs({ kind: 'rate_limited', status: 429 }, 2, 500)).toBe(1000);
  });
});

describe('messages', () => {
  it('announces a retry with its wait and attempt', () => {
    expect(retryThought({ kind: 'rate_limited', status: 429 }, 1000, 2, 3, 'h:1')).toBe(
      'The model provider is busy (HTTP 429); retrying in 1 s (attempt 2 of 3)',
    );
    expect(retryThought({ kind: 'unreachable', reason: 'connection refused' }, 500, 3, 3, 'h:1')).toBe(
      'Could not reach the model provider at h:1 (connection refused); retrying in 500 ms (attempt 3 of 3)',
    );
  });

  it('says what failed after the last attempt', () => {
    expect(exhaustedMessage({ kind: 'rate_limited', status: 429 }, 3, 'h:1')).toBe(
      'the model provider is still rate limited after 3 attempts (HTTP 429)',
    );
    expect(exhaustedMessage({ kind: 'server_error', status: 502 }, 1, 'h:1')).toBe(
      'the model provider failed with HTTP 502 after 1 attempt',
    );
    expect(exhaustedMessage({ kind: 'unreachable', reason: 'no response within 15 s' }, 3, 'h:1')).toBe(
      'could not reach the model provider at h:1 after 3 attempts: no response within 15 s',
    );
  });

  it('formats durations as people read them', () => {
    expect([300, 1000, 1500, 15_000].map(formatDuration)).toEqual(['300 ms', '1 s', '1.5 s', '15 s']);
  });
});

describe('redact', () => {
  it('removes the key and anything shaped like one', () => {
    expect(redact('key sk-secret-123456 and sk-ab***yz and sk-proj-Abc_123', 'sk-secret-123456')).toBe(
      'key [redacted] and [redacted] and [redacted]',
    );
    expect(redact('my-own-key-value is wrong', 'my-own-key-value')).toBe('[redacted] is wrong');
  });
});

describe('connectionReason', () => {
  it('finds the system error in the cause chain', () => {
    const reset = new TypeError('fetch failed', { cause: systemError('ECONNRESET') });
    expect(connectionReason(reset)).toBe('the connection was reset');
    expect(connectionReason(new TypeError('fetch failed', { cause: systemError('EWHATEVER') }))).toBe(
      'network error EWHATEVER',
    );
    expect(connectionReason(new Error('no code'))).toBe('a network error');
  });
});

describe('resolveSettings', () => {
  it('applies the defaults and names the provider by host', () => {
    expect(settings).toMatchObject({
      host: '127.0.0.1:9',
      idleTimeoutMs: 30_000,
      requestTimeoutMs: 15_000,
      maxRetries: 2,
      retryBaseMs: 500,
      maxSteps: 8,
    });
  });

  it('refuses a base URL that is not a URL', () => {
    expect(() => resolveSettings({ baseUrl: 'localhost:11434', apiKey: 'k', model: 'm' })).toThrow(
      /http\(s\) base URL/,
    );
  });
});
