import { describe, expect, it } from 'vitest';
import type { RunEvent } from './events';
import { normalizeTrace, parseTrace, serializeTrace, TraceError } from './trace';

const events: RunEvent[] = [
  {
    type: 'agent_started',
    threadId: 'th-9f',
    runId: 'run-a1',
    seq: 7,
    ts: 1_700_000_000_000,
    payload: { agentName: 'scenario', input: 'basic' },
  },
  {
    type: 'tool_executing',
    threadId: 'th-9f',
    runId: 'run-a1',
    seq: 8,
    ts: 1_700_000_000_010,
    payload: { toolCallId: 't-1', toolName: 'sleep', args: { ms: 5 } },
  },
  {
    type: 'tool_progress',
    threadId: 'th-9f',
    runId: 'run-a1',
    seq: 9,
    ts: 1_700_000_000_012,
    payload: { toolCallId: 't-1', progress: 0.5 },
  },
  {
    type: 'tool_completed',
    threadId: 'th-9f',
    runId: 'run-a1',
    seq: 10,
    ts: 1_700_000_000_015,
    payload: { toolCallId: 't-1', toolName: 'sleep', status: 'success', result: { sleptMs: 5 }, durationMs: 5.2 },
  },
];

describe('traces', () => {
  describe('#parseTrace', () => {
    it('reads back what serializeTrace wrote, skipping blank lines', () => {
      expect(parseTrace(`${serializeTrace(events)}\n\n`)).toEqual(events);
    });

    it('names the line and the problem of an invalid trace', () => {
      const text = `${serializeTrace(events.slice(0, 1))}{"type":"agent_started"}\n`;
      expect(() => parseTrace(text, 'calc.jsonl')).toThrow(TraceError);
      expect(() => parseTrace(text, 'calc.jsonl')).toThrow(/^calc\.jsonl:2: not a run event: threadId: /);
      expect(() => parseTrace('{oops', 'x.jsonl')).toThrow('x.jsonl:1: not JSON');
    });
  });

  describe('#normalizeTrace', () => {
    it('replaces ids in first-seen order, drops timing and progress, and renumbers seq', () => {
      expect(normalizeTrace(events)).toEqual([
        {
          type: 'agent_started',
          threadId: 'id-1',
          runId: 'id-2',
          seq: 1,
          payload: { agentName: 'scenario', input: 'basic' },
        },
        {
          type: 'tool_executing',
          threadId: 'id-1',
          runId: 'id-2',
          seq: 2,
          payload: { toolCallId: 'id-3', toolName: 'sleep', args: { ms: 5 } },
        },
        {
          type: 'tool_completed',
          threadId: 'id-1',
          runId: 'id-2',
          seq: 3,
          payload: { toolCallId: 'id-3', toolName: 'sleep', status: 'success', result: { sleptMs: 5 } },
        },
      ]);
    });

    it('masks epoch milliseconds in text and numbers', () => {
      const [stamped, clock] = normalizeTrace([
        {
          type: 'partial_result',
          threadId: 'th',
          runId: 'r',
          seq: 1,
          ts: 1,
          payload: { delta: '3@1700000000123.4567 ' },
        },
        {
          type: 'tool_completed',
          threadId: 'th',
          runId: 'r',
          seq: 2,
          ts: 1,
          payload: {
            toolCallId: 't',
            toolName: 'clock',
            status: 'success',
            result: { now: 1_700_000_000_123 },
            durationMs: 1,
          },
        },
      ]);
      expect(stamped).toMatchObject({ payload: { delta: '3@<epoch-ms> ' } });
      expect(clock).toMatchObject({ payload: { result: { now: '<epoch-ms>' } } });
    });

    it('keeps progress when asked', () => {
      expect(normalizeTrace(events, { dropProgress: false })).toHaveLength(4);
    });
  });
});
