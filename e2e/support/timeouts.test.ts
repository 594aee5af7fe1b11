import { afterEach, describe, expect, it, vi } from 'vitest';

async function scaledWith(value: string | undefined) {
  vi.resetModules();
  vi.stubEnv('E2E_TIMEOUT_SCALE', value);
  return (await import('./timeouts')).scaled;
}

describe('E2E_TIMEOUT_SCALE', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('multiplies every timeout by the factor, 1 when unset or blank', async () => {
    expect((await scaledWith(undefined))(30_000)).toBe(30_000);
    expect((await scaledWith(''))(30_000)).toBe(30_000);
    expect((await scaledWith('2.5'))(10_000)).toBe(25_000);
  });

  it('refuses a factor that is not a positive number, saying what it wants', async () => {
    await expect(scaledWith('0')).rejects.toThrow('E2E_TIMEOUT_SCALE must be a positive number');
    await expect(scaledWith('fast')).rejects.toThrow();
  });
});
