import { describe, expect, it } from 'vitest';
import { MAX_ID_LENGTH } from './events';
import { isRunEvent, MAX_USER_TEXT_LENGTH } from './messages';
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

describe('isRunEvent', () => {
  it('tells a run event from an acknowledgement, an error and a pong', () => {
    const event = {
      type: 'partial_result',
      threadId: 't',
      runId: 'r',
      seq: 1,
      ts: 1,
      payload: { delta: 'a' },
    } as const;
    expect(isRunEvent(event)).toBe(true);
    expect(isRunEvent({ type: 'message_accepted', clientMessageId: 'c', threadId: 't', runId: 'r' })).toBe(false);
    expect(isRunEvent({ type: 'error', code: 'not_found', message: 'gone', runId: 'r' })).toBe(false);
    expect(isRunEvent({ type: 'pong' })).toBe(false);
  });
});

describe('ids', () => {
  it('accepts an id of MAX_ID_LENGTH characters, refuses a longer one, and echoes at most that much of it', () => {
    const cancel = (runId: string, clientMessageId = 'c') => JSON.stringify({ type: 'cancel', runId, clientMessageId });
    expect(parseClientFrame(cancel('r'.repeat(MAX_ID_LENGTH))).ok).toBe(true);
    const longId = 'c'.repeat(MAX_ID_LENGTH + 50);
    const refused = parseClientFrame(cancel('r'.repeat(MAX_ID_LENGTH + 1), longId));
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(refused.ok ? undefined : refused.error.clientMessageId).toBe('c'.repeat(MAX_ID_LENGTH));
  });
});
