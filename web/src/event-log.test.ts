import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol';
import { appendEvent, emptyEventLog, eventLogLength, eventLogToArray } from './event-log';

const delta = (seq: number): RunEvent => ({
  type: 'partial_result',
  threadId: 't',
  runId: 'r',
  seq,
  ts: 0,
  payload: { delta: String(seq) },
});

describe('event log', () => {
  it('lists events in arrival order', () => {
    const log = appendEvent(appendEvent(appendEvent(emptyEventLog, delta(1)), delta(2)), delta(3));
    expect(eventLogLength(log)).toBe(3);
    expect(eventLogToArray(log).map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(eventLogToArray(emptyEventLog)).toEqual([]);
  });

  it('leaves earlier versions untouched when branching', () => {
    const base = appendEvent(emptyEventLog, delta(1));
    const left = appendEvent(base, delta(2));
    const right = appendEvent(base, delta(7));
    expect(eventLogToArray(base).map((event) => event.seq)).toEqual([1]);
    expect(eventLogToArray(left).map((event) => event.seq)).toEqual([1, 2]);
    expect(eventLogToArray(right).map((event) => event.seq)).toEqual([1, 7]);
  });
});
