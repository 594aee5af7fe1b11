import { describe, expect, it } from 'vitest';
import { ensureSession, type FetchLike } from './session';

function fakeFetch(statuses: number[], body?: unknown): FetchLike & { calls: (string | undefined)[] } {
  const calls: (string | undefined)[] = [];
  const fn = async (_input: string, init?: RequestInit) => {
    calls.push(init?.method ?? 'GET');
    const status = statuses.shift() ?? 500;
    return { ok: status < 300, status, json: async () => body };
  };
  return Object.assign(fn, { calls });
}

describe('ensureSession', () => {
  it('keeps an existing session', async () => {
    const fetchFn = fakeFetch([200]);
    await expect(ensureSession(fetchFn)).resolves.toEqual({ ok: true });
    expect(fetchFn.calls).toEqual(['GET']);
  });

  it('opens a guest session when there is none, and reports a refusal', async () => {
    const opened = fakeFetch([204, 201]);
    await expect(ensureSession(opened)).resolves.toEqual({ ok: true });
    expect(opened.calls).toEqual(['GET', 'POST']);
    const expired = fakeFetch([401, 201]);
    await expect(ensureSession(expired)).resolves.toEqual({ ok: true });
    expect(expired.calls).toEqual(['GET', 'POST']);
    await expect(ensureSession(fakeFetch([401, 503]))).resolves.toEqual({
      ok: false,
      status: 503,
      message: 'the server answered 503',
    });
  });

  it("passes on the server's reason for a refusal", async () => {
    const error = { error: { code: 'forbidden', message: 'guest sessions are off on this server' } };
    await expect(ensureSession(fakeFetch([204, 403], error))).resolves.toEqual({
      ok: false,
      status: 403,
      message: 'guest sessions are off on this server',
    });
  });
});
