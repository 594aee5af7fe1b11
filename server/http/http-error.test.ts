import express from 'express';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { httpErrorBodySchema } from '../../protocol';
import { RunRejectedError } from '../runtime/run-rejected-error';
import { errorHandler, HttpError, notFound } from './http-error';

/** An app whose routes throw what the test names, behind the one error handler. */
async function serve(logged: unknown[]) {
  const app = express();
  app.get('/forbidden', () => {
    throw new HttpError('forbidden', 'not yours');
  });
  app.get('/async', async () => {
    throw new HttpError('unavailable', 'the store is down');
  });
  app.get('/refused/:code', (req) => {
    throw new RunRejectedError(req.params.code as 'forbidden', `refused: ${req.params.code}`);
  });
  app.get('/bug', () => {
    throw new TypeError('secret detail');
  });
  app.post('/json', express.json({ limit: 10 }), (_req, res) => res.status(204).end());
  app.use(notFound);
  const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  app.use(errorHandler(logger));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  onTestFinished(() => {
    server.close();
  });
  const { port } = server.address() as { port: number };
  return async (path: string, init?: RequestInit) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, init);
    return { status: response.status, body: httpErrorBodySchema.parse(await response.json()) };
  };
}

describe('errorHandler', () => {
  it('answers an HttpError, thrown or rejected, with its code’s status and the protocol’s body', async () => {
    const request = await serve([]);
    expect(await request('/forbidden')).toEqual({
      status: 403,
      body: { error: { code: 'forbidden', message: 'not yours' } },
    });
    expect(await request('/async')).toEqual({
      status: 503,
      body: { error: { code: 'unavailable', message: 'the store is down' } },
    });
    expect(await request('/nowhere')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'no API route GET /nowhere' } },
    });
  });

  it('answers the runtime’s refusals under the HTTP code of the same name', async () => {
    const request = await serve([]);
    expect((await request('/refused/forbidden')).status).toBe(403);
    expect((await request('/refused/not_found')).status).toBe(404);
    expect(await request('/refused/unavailable')).toEqual({
      status: 503,
      body: { error: { code: 'unavailable', message: 'refused: unavailable' } },
    });
    expect((await request('/refused/thread_busy')).body.error.code).toBe('internal_error'); // no HTTP route has one
  });

  it('says in plain words why the body parser refused a request, with the parser’s status', async () => {
    const request = await serve([]);
    const post = (body: string) =>
      request('/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await post('{"a":')).toEqual({
      status: 400,
      body: { error: { code: 'invalid_message', message: 'the request body is not valid JSON' } },
    });
    expect(await post('{"a":"far too long"}')).toEqual({
      status: 413,
      body: { error: { code: 'invalid_message', message: 'the request body is over its limit of 10 bytes' } },
    });
  });

  it('logs any other error and answers 500 without its details', async () => {
    const logged: unknown[] = [];
    const request = await serve(logged);
    expect(await request('/bug')).toEqual({
      status: 500,
      body: { error: { code: 'internal_error', message: 'internal server error' } },
    });
    expect(logged).toEqual([expect.objectContaining({ msg: 'request failed', path: '/bug' })]);
  });
});
