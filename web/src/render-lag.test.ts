import { describe, expect, it } from 'vitest';
import { RenderLagRecorder } from './render-lag';

describe('RenderLagRecorder', () => {
  it('measures each event from arrival to the commit that draws it, and summarizes per type', () => {
    let now = 0;
    const recorder = new RenderLagRecorder({ now: () => now, wallNow: () => 1_000 + now });
    recorder.arrived({ runId: 'r', seq: 1, type: 'agent_started', ts: 1_000 });
    now = 4;
    recorder.arrived({ runId: 'r', seq: 2, type: 'partial_result', ts: 1_000 });
    now = 10;
    recorder.committed();
    now = 12;
    recorder.arrived({ runId: 'r', seq: 3, type: 'partial_result', ts: 1_011 });
    now = 20;
    recorder.committed();
    recorder.committed(); // nothing pending: no entries
    expect(recorder.entries().map((entry) => entry.lagMs)).toEqual([10, 6, 8]);
    expect(recorder.summary('r')).toEqual({
      agent_started: { count: 1, p50: 10, p95: 10, max: 10, sinceEmit: { p50: 10, p95: 10, max: 10 } },
      partial_result: { count: 2, p50: 6, p95: 8, max: 8, sinceEmit: { p50: 9, p95: 10, max: 10 } },
    });
  });

  it("measures from the server emit, so an event held back before arrival shows its delay, and the commit's own work", () => {
    let now = 0;
    const recorder = new RenderLagRecorder({ now: () => now, wallNow: () => 50_000 + now });
    // Emitted at wall 50_000, arrived 900 ms later (held back upstream), drawn 5 ms after arrival.
    now = 900;
    recorder.arrived({ runId: 'r', seq: 1, type: 'agent_thinking', ts: 50_000 });
    now = 903;
    recorder.committing();
    now = 905;
    recorder.committed();
    expect(recorder.entries()).toEqual([
      { runId: 'r', seq: 1, type: 'agent_thinking', lagMs: 5, sinceEmitMs: 905, commitMs: 2 },
    ]);
  });
});
