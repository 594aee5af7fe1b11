import { describe, expect, it } from 'vitest';
import { optionsFromEnv } from './config';

const provider = { LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_API_KEY: 'sk-test-key-1234', LLM_MODEL: 'llama3.2' };

describe('optionsFromEnv: the llm agent', () => {
  it('leaves the llm agent off when none of its variables is set', () => {
    expect(optionsFromEnv({}).llm).toBeUndefined();
    // Blank reads as unset.
    expect(optionsFromEnv({ LLM_BASE_URL: '', LLM_API_KEY: ' ', LLM_MODEL: '' }).llm).toBeUndefined();
  });

  it('reads the provider and its limits', () => {
    expect(
      optionsFromEnv({
        ...provider,
        LLM_IDLE_TIMEOUT_MS: '5000',
        LLM_REQUEST_TIMEOUT_MS: '2000',
        LLM_MAX_RETRIES: '0',
        LLM_MAX_STEPS: '4',
      }).llm,
    ).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: 'sk-test-key-1234',
      model: 'llama3.2',
      idleTimeoutMs: 5000,
      requestTimeoutMs: 2000,
      maxRetries: 0,
      maxSteps: 4,
    });
    expect(optionsFromEnv(provider).llm).toMatchObject({ model: 'llama3.2', idleTimeoutMs: undefined });
  });

  it('refuses a partial provider, naming what is missing', () => {
    expect(() => optionsFromEnv({ LLM_BASE_URL: provider.LLM_BASE_URL })).toThrow(
      'invalid environment: the llm agent needs LLM_BASE_URL, LLM_API_KEY and LLM_MODEL together; ' +
        'LLM_API_KEY and LLM_MODEL are missing (or set none of them)',
    );
    expect(() => optionsFromEnv({ ...provider, LLM_MODEL: '' })).toThrow('LLM_MODEL is missing');
  });

  it('refuses tuning without a provider', () => {
    expect(() => optionsFromEnv({ LLM_MAX_STEPS: '3' })).toThrow(
      'invalid environment: LLM_MAX_STEPS is set, but the llm agent is off: set LLM_BASE_URL, LLM_API_KEY and LLM_MODEL to turn it on',
    );
  });

  it('refuses a base URL that is not http(s)', () => {
    for (const url of ['localhost:11434', 'not a url', 'ftp://example.com/v1']) {
      expect(() => optionsFromEnv({ ...provider, LLM_BASE_URL: url })).toThrow(
        'invalid environment: LLM_BASE_URL: must be an http(s) URL, e.g. https://api.openai.com/v1',
      );
    }
  });

  it('refuses bad limits without quoting the API key', () => {
    for (const [name, value] of [
      ['LLM_IDLE_TIMEOUT_MS', '0'],
      ['LLM_REQUEST_TIMEOUT_MS', 'soon'],
      ['LLM_MAX_RETRIES', '-1'],
      ['LLM_MAX_STEPS', '1.5'],
    ] as const) {
      let message = '';
      try {
        optionsFromEnv({ ...provider, [name]: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(new RegExp(`^invalid environment: ${name}: `));
      expect(message).not.toContain(provider.LLM_API_KEY);
    }
  });
});
