import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture(format: 'pretty' | 'json'): { lines: () => string[]; log: ReturnType<typeof createLogger> } {
  const destination = new PassThrough();
  let text = '';
  destination.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const log = createLogger({ level: 'info', format, destination });
  return { log, lines: () => text.split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('writes one JSON object per line for a log collector', () => {
    const { log, lines } = capture('json');
    log.info('open http://127.0.0.1:3000 in your browser');
    const [line] = lines();
    expect(JSON.parse(line ?? '')).toMatchObject({ level: 30, msg: 'open http://127.0.0.1:3000 in your browser' });
  });

  it('writes readable lines, the message first, for a person at a terminal', () => {
    const { log, lines } = capture('pretty');
    log.info('open http://127.0.0.1:3000 in your browser');
    const [line] = lines();
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: open http:\/\/127\.0\.0\.1:3000 in your browser$/);
    expect(() => JSON.parse(line ?? '')).toThrow();
  });
});
