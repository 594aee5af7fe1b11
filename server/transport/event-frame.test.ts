import { describe, expect, it } from 'vitest';
import { partialResultOf, seqOfFrame } from './event-frame';

const usual = JSON.stringify({
  type: 'partial_result',
  threadId: 't',
  runId: 'r',
  seq: 7,
  ts: 0,
  payload: { delta: 'a' },
});
/** The same event built with its keys in another order. */
const reordered = JSON.stringify({
  payload: { delta: 'a' },
  ts: 0,
  seq: 7,
  runId: 'r',
  threadId: 't',
  type: 'partial_result',
});

describe('seqOfFrame', () => {
  it("reads a run event's seq whatever the order of its keys", () => {
    expect(seqOfFrame(usual)).toBe(7);
    expect(seqOfFrame(reordered)).toBe(7);
  });

  it('gives undefined for frames that are not run events, even with a seq nested in them', () => {
    expect(seqOfFrame(JSON.stringify({ type: 'pong' }))).toBeUndefined();
    expect(
      seqOfFrame(JSON.stringify({ type: 'error', code: 'unavailable', message: 'x', runId: 'r' })),
    ).toBeUndefined();
    expect(seqOfFrame(JSON.stringify({ type: 'error', detail: { runId: 'r', seq: 3 } }))).toBeUndefined();
    expect(seqOfFrame('{"seq":')).toBeUndefined();
  });
});

describe('partialResultOf', () => {
  it('recognises a delta whatever the order of its keys', () => {
    expect(partialResultOf(usual)).toMatchObject({ seq: 7, payload: { delta: 'a' } });
    expect(partialResultOf(reordered)).toMatchObject({ seq: 7, payload: { delta: 'a' } });
  });

  it('does not take a partial_result nested in another event, or a malformed one, for a delta', () => {
    const nested = JSON.stringify({
      type: 'tool_completed',
      threadId: 't',
      runId: 'r',
      seq: 8,
      // A payload with a delta of its own, so that only the top-level type tells this frame apart.
      payload: { delta: 'x', result: JSON.parse(usual) as object },
    });
    expect(partialResultOf(nested)).toBeUndefined();
    expect(
      partialResultOf(JSON.stringify({ type: 'partial_result', runId: 'r', seq: 9, payload: {} })),
    ).toBeUndefined();
    expect(partialResultOf('{"type":"partial_result"')).toBeUndefined();
    expect(
      partialResultOf(JSON.stringify({ type: 'agent_thinking', payload: { thought: '"partial_result"' } })),
    ).toBeUndefined();
  });
});
