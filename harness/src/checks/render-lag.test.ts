import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../protocol';
import type { TurnCommit } from '../capture/commits';
import { type LagInput, measureRenderLag, summarizeLag } from './render-lag';

const base = { threadId: 't', runId: 'r', ts: 1_000 };
const executing: RunEvent = {
  ...base,
  type: 'tool_executing',
  seq: 1,
  payload: { toolCallId: 't-1', toolName: 'lookup', args: {} },
};
const delta = (seq: number, text: string): RunEvent => ({
  ...base,
  type: 'partial_result',
  seq,
  payload: { delta: text },
});
const commit = (at: number, draw: { tool?: true; chars?: number }): TurnCommit => ({
  at,
  turnIndex: 0,
  state: 'running',
  answerLength: draw.chars ?? 0,
  answerChars: draw.chars ?? 0,
  thoughts: [],
  tools: draw.tool ? [{ id: 't-1', name: 'lookup', state: 'running' }] : [],
  elapsed: '',
  stall: false,
  stuck: false,
});
const input = (events: RunEvent[], arrivals: number[], commits: TurnCommit[]): LagInput => ({
  events,
  arrivals,
  commits,
  timeOrigin: 0,
  toolOf: (drawn, id) => drawn.tools.find((tool) => tool.id === id),
  sees: { thoughts: true, toolState: true, toolProgress: true, turnState: true },
});

describe('measureRenderLag', () => {
  it('measures from arrival to the first commit that shows the event', () => {
    const lags = measureRenderLag(
      input([delta(1, 'Hello'), delta(2, ' world')], [10, 20], [commit(12, { chars: 5 }), commit(50, { chars: 10 })]),
    );
    expect(lags.map((lag) => lag.lagMs)).toEqual([2, 30]);
    expect(lags[1]?.sinceEmitMs).toBe(50 - 1_000);
  });

  it('counts an event the page already showed when it arrived as drawn at once', () => {
    // AG-UI: the page draws the call at TOOL_CALL_START; tool_executing is read later, at TOOL_CALL_END.
    const lags = measureRenderLag(
      input([executing], [100], [commit(40, { tool: true }), commit(1_600, { tool: true, chars: 3 })]),
    );
    expect(lags[0]?.lagMs).toBe(0);
  });

  it('does not count a commit before the arrival that did not show the event', () => {
    const lags = measureRenderLag(input([executing], [100], [commit(40, {}), commit(130, { tool: true })]));
    expect(lags[0]?.lagMs).toBe(30);
  });

  it('leaves an event no commit showed unmeasured', () => {
    const lags = measureRenderLag(input([delta(1, 'Hello')], [10], [commit(12, { chars: 2 })]));
    expect(lags[0]?.lagMs).toBeUndefined();
    expect(summarizeLag(lags)).toEqual({});
  });
});
