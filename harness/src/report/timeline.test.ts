import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../protocol';
import { buildTimeline, renderTimelineHtml } from './timeline';

const thinking: RunEvent = {
  type: 'agent_thinking',
  threadId: 't',
  runId: 'r-123456789',
  seq: 2,
  ts: 0,
  payload: { thought: '<img src=x>', step: 1 },
};

describe('timeline', () => {
  it('lists events with their draw lag, invalid frames, and escapes untrusted text in the HTML view', () => {
    const timeline = buildTimeline([
      {
        result: {
          events: [thinking],
          arrivals: [5.04],
          violations: [],
          invalid: [
            {
              frame: { transport: 'websocket', channel: 1, url: 'ws://x/ws', at: 6, epochMs: 0, data: 'nope' },
              reason: 'not JSON',
            },
          ],
        },
        lags: [{ runId: 'r-123456789', seq: 2, type: 'agent_thinking', lagMs: 4.04, sinceEmitMs: 1_203.96 }],
      },
    ]);
    expect(timeline).toEqual([
      {
        load: 0,
        at: 5,
        type: 'agent_thinking',
        seq: 2,
        runId: 'r-123456789',
        summary: '<img src=x>',
        drawn: { lagMs: 4, sinceEmitMs: 1_204 },
      },
      { load: 0, at: 6, type: '(invalid frame)', summary: 'not JSON: nope' },
    ]);
    const html = renderTimelineHtml('a <b> test', timeline);
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x&#62;');
    expect(html).not.toContain('<script');
  });
});
