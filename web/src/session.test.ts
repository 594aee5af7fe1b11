import { describe, expect, it } from 'vitest';
import { ensureSession, type FetchLike } from './session';

function fakeFetch(statuses: number[]): FetchLike & { calls: (string | undefined)[] } {
  const calls: (string | undefined)[] = [];
  const fn = async (_input: string, init?: RequestInit) => {
    calls.push(init?.method ?? 'GET');
    const status = statuses.shift() ?? 500;
    return { ok: status < 300, status };
  };
  return Object.assign(fn, { calls });
}

describe('ensureSession', () => {
  it('should keep an existing session', async () => {
    const fetchFn = fakeFetch([200]);
    await expect(ensureSession(fetchFn)).resolves.toBe(true);
    expect(fetchFn.calls).toEqual(['GET']);
  });

  it('should open a guest session when there is none, and report a refusal', async () => {
    const opened = fakeFetch([204, 201]);
    await expect(ensureSession(opened)).resolves.toBe(true);
    expect(opened.calls).toEqual(['GET', 'POST']);
    const expired = fakeFetch([401, 201]);
    await expect(ensureSession(expired)).resolves.toBe(true);
    expect(expired.calls).toEqual(['GET', 'POST']);
    await expect(ensureSession(fakeFetch([401, 503]))).resolves.toBe(false);
  });
});
