import { describe, expect, it } from 'vitest';
import { RenderLagRecorder } from './render-lag';

describe('RenderLagRecorder', () => {
  it('should measure each event from arrival to the commit that draws it, and summarize per type', () => {
    let now = 0;
    const recorder = new RenderLagRecorder(() => now);
    recorder.arrived({ runId: 'r', seq: 1, type: 'agent_started' });
    now = 4;
    recorder.arrived({ runId: 'r', seq: 2, type: 'partial_result' });
    now = 10;
    recorder.committed();
    now = 12;
    recorder.arrived({ runId: 'r', seq: 3, type: 'partial_result' });
    now = 20;
    recorder.committed();
    recorder.committed(); // nothing pending: no entries
    expect(recorder.entries().map((entry) => entry.lagMs)).toEqual([10, 6, 8]);
    expect(recorder.summary('r')).toEqual({
      agent_started: { count: 1, p50: 10, p95: 10, max: 10 },
      partial_result: { count: 2, p50: 6, p95: 8, max: 8 },
    });
  });
});
