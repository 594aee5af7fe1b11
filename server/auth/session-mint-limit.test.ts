import express from 'express';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { errorHandler } from '../http/http-error';
import { sessionMintLimit } from './session-mint-limit';

/** A tiny app behind the limit, on a clock the test moves; returns status and Retry-After of each POST. */
async function withApp(
  perMinute: number,
  run: (post: (ip: string) => Promise<[number, string | null]>, tick: (ms: number) => void) => Promise<void>,
) {
  let now = 0;
  const app = express();
  app.set('trust proxy', true);
  app.post('/session', sessionMintLimit({ perMinute, now: () => now }), (_req, res) => res.status(201).end());
  app.use(errorHandler(pino({ level: 'silent' })));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const post = async (ip: string): Promise<[number, string | null]> => {
    const response = await fetch(`http://127.0.0.1:${port}/session`, {
      method: 'POST',
      headers: { 'x-forwarded-for': ip },
    });
    return [response.status, response.headers.get('retry-after')];
  };
  onTestFinished(() => {
    server.close();
  });
  await run(post, (ms) => {
    now += ms;
  });
}

describe('sessionMintLimit', () => {
  it('refuses an address over its cap with 429 and Retry-After, serves others, and refills with time', async () => {
    await withApp(3, async (post, tick) => {
      for (let i = 0; i < 3; i += 1) expect((await post('10.0.0.1'))[0]).toBe(201);
      expect(await post('10.0.0.1')).toEqual([429, '20']); // 3 a minute: one every 20 s
      expect((await post('10.0.0.2'))[0]).toBe(201);
      tick(20_000);
      expect((await post('10.0.0.1'))[0]).toBe(201);
      expect((await post('10.0.0.1'))[0]).toBe(429);
    });
  });
});
