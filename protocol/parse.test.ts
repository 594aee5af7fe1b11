import { describe, expect, it } from 'vitest';
import { MAX_USER_TEXT_LENGTH } from './messages';
import { parseClientFrame, parseServerFrame } from './parse';

const errorOf = (raw: string) => {
  const result = parseClientFrame(raw);
  if (result.ok) throw new Error('expected a parse error');
  return result.error;
};

describe('parseClientFrame', () => {
  it('accepts a user_message and a cancel', () => {
    expect(parseClientFrame('{"type":"user_message","clientMessageId":"c1","text":"hi"}')).toEqual({
      ok: true,
      value: { type: 'user_message', clientMessageId: 'c1', text: 'hi' },
    });
    expect(parseClientFrame('{"type":"cancel","runId":"r1"}').ok).toBe(true);
  });

  it('answers bad_json for text that is not JSON', () => {
    expect(errorOf('{nope')).toMatchObject({ type: 'error', code: 'bad_json' });
  });

  it('answers unknown_type for a type no client message has', () => {
    expect(errorOf('{"type":"launch_missiles"}')).toMatchObject({
      code: 'unknown_type',
      message: 'unknown message type "launch_missiles"',
    });
  });

  it('answers invalid_message with a readable reason, echoing clientMessageId', () => {
    expect(errorOf('[1,2]')).toMatchObject({ code: 'invalid_message', message: 'message must be a JSON object' });
    expect(errorOf('{"text":"hi"}')).toMatchObject({ code: 'invalid_message', message: 'type: must be a string' });
    expect(errorOf('{"type":"user_message","clientMessageId":"c9","text":"   "}')).toEqual({
      type: 'error',
      code: 'invalid_message',
      message: 'text: text must not be empty',
      clientMessageId: 'c9',
    });
    const long = JSON.stringify({
      type: 'user_message',
      clientMessageId: 'c',
      text: 'x'.repeat(MAX_USER_TEXT_LENGTH + 1),
    });
    expect(errorOf(long).message).toMatch(/^text: /);
    expect(errorOf('{"type":"cancel","runId":"r","extra":1}').message).toMatch(/extra/);
  });
});

describe('parseServerFrame', () => {
  it('accepts a run event and rejects an off-contract one', () => {
    const event = { type: 'partial_result', threadId: 't', runId: 'r', seq: 1, ts: 1, payload: { delta: 'x' } };
    expect(parseServerFrame(JSON.stringify(event)).ok).toBe(true);
    const bad = parseServerFrame(JSON.stringify({ ...event, seq: 0 }));
    expect(bad.ok).toBe(false);
  });
});
