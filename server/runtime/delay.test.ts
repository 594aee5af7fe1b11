import { describe, expect, it } from 'vitest';
import { delay } from './delay';

describe('#delay', () => {
  it('should resolve after the delay', async () => {
    await expect(delay(1, new AbortController().signal)).resolves.toBeUndefined();
  });

  it("should reject with the signal's reason when it aborts, before or during the delay", async () => {
    const before = new AbortController();
    before.abort(new Error('cancelled before'));
    await expect(delay(10, before.signal)).rejects.toThrow('cancelled before');
    const during = new AbortController();
    const waiting = delay(60_000, during.signal);
    during.abort(new Error('cancelled during'));
    await expect(waiting).rejects.toThrow('cancelled during');
  });
});
