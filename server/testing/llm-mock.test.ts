import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmMock } from './llm-mock';

const FIXTURES = fileURLToPath(new URL('../agents/llm/mock-fixtures.json', import.meta.url));

function ask(mock: LlmMock, text: string, key = 'any-key'): Promise<Response> {
  return fetch(`${mock.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: text }] }),
  });
}

describe('LlmMock', () => {
  let mock: LlmMock;

  beforeAll(async () => {
    mock = await LlmMock.start({ fixtures: FIXTURES });
  });

  afterAll(() => mock?.stop());

  it('listens on loopback, on a port the OS chose, with the OpenAI base path', () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(mock.url).toBe(`${mock.origin}/v1`);
  });

  it('answers from the fixtures and journals each request', async () => {
    const response = await ask(mock, 'llm plain');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      choices: [{ message: { content: expect.stringMatching(/^Hello/) } }],
    });
    expect((await mock.requests()).at(-1)).toMatchObject({ path: '/v1/chat/completions', status: 200 });
  });

  it('restarts sequences and forgets requests on reset, on the same URL', async () => {
    expect((await ask(mock, 'llm rate limited')).status).toBe(429);
    expect((await ask(mock, 'llm rate limited')).status).toBe(200);
    const url = mock.url;
    await mock.reset();
    expect(mock.url).toBe(url);
    expect(await mock.requests()).toEqual([]);
    expect((await ask(mock, 'llm rate limited')).status).toBe(429);
    // The fixture with malformed arguments on purpose survives a reset.
    expect((await ask(mock, 'llm malformed')).status).toBe(200);
  });

  it('refuses other keys when given keys, and still serves its own control calls', async () => {
    const guarded = await LlmMock.start({ fixtures: FIXTURES, apiKeys: ['right-key'] });
    try {
      expect((await ask(guarded, 'llm plain', 'wrong-key')).status).toBe(401);
      expect((await ask(guarded, 'llm plain', 'right-key')).status).toBe(200);
      expect(await guarded.requests()).toHaveLength(1);
    } finally {
      await guarded.stop();
    }
  });

  it('says why when it cannot start', async () => {
    await expect(LlmMock.start({ fixtures: '/nonexistent/fixtures.json' })).rejects.toThrow(
      /the mock exited before it was healthy:[\s\S]*not found/,
    );
  });
});
