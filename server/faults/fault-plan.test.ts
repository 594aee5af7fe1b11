import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol';
import { createFaultFilter, parseFaultPrefix } from './fault-plan';

const event = (seq: number, type: RunEvent['type'] = 'partial_result') =>
  ({ type, threadId: 't', runId: 'r', seq, ts: 0, payload: {} }) as RunEvent;

describe('parseFaultPrefix', () => {
  it('splits the switches from the message', () => {
    expect(parseFaultPrefix('/fault suppress=tool_completed stop-after=5; /scenario basic')).toEqual({
      plan: { suppress: 'tool_completed', stopAfter: 5 },
      rest: '/scenario basic',
    });
    expect(parseFaultPrefix('/fault crash-tool swap=2 delay=50; hi')?.plan).toEqual({
      suppress: 'tool_completed',
      swap: 2,
      delayMs: 50,
    });
    expect(parseFaultPrefix('/fault hang-after=3; hi')?.plan).toEqual({ hangAfter: 3 });
    expect(parseFaultPrefix('hello')).toBeUndefined();
  });

  it('explains a bad switch or a missing ";"', () => {
    expect(() => parseFaultPrefix('/fault suppress=nonsense; hi')).toThrow('unknown fault switch "suppress=nonsense"');
    expect(() => parseFaultPrefix('/fault stop-after=3 hi')).toThrow(/ends with ";"/);
  });
});

describe('createFaultFilter', () => {
  const run = (filter: (e: RunEvent) => RunEvent[], events: RunEvent[]) => events.flatMap(filter).map((e) => e.seq);

  it('stops after n events, suppresses a type, and swaps two neighbours', () => {
    const events = [1, 2, 3, 4].map((seq) => event(seq));
    expect(run(createFaultFilter({ stopAfter: 2 }), events)).toEqual([1, 2]);
    expect(run(createFaultFilter({ swap: 2 }), events)).toEqual([1, 3, 2, 4]);
    expect(run(createFaultFilter({ suppress: 'agent_thinking' }), [event(1), event(2, 'agent_thinking')])).toEqual([1]);
  });
});
