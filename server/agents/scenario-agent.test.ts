import { describe, expect, it, vi } from 'vitest';
import type { AgentContext } from '../runtime/agent';
import { BURST_CHUNK, createScenarioAgent, UNPACED_STREAM_CHUNK } from './scenario-agent';
import { bindScenario, parseScenario } from './scenario-file';

/** An AgentContext that records the deltas streamed. */
function recordingContext(input: string) {
  const deltas: string[] = [];
  const context: AgentContext = {
    threadId: 'th-1',
    runId: 'r-1',
    input,
    signal: new AbortController().signal,
    think: () => {},
    callTool: () => Promise.reject(new Error('no tools here')),
    callTools: () => Promise.reject(new Error('no tools here')),
    runOwnTool: () => Promise.reject(new Error('no tools here')),
    stream: (delta) => {
      deltas.push(delta);
    },
    pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  return { context, deltas };
}

const stream = parseScenario('stream', {
  description: 'a steady stream',
  params: {
    count: { default: 5, min: 1, max: 100_000 },
    perSecond: { default: 0, min: 0, max: 100_000 },
  },
  steps: [{ stream: '$count', perSecond: '$perSecond', text: '{i}@{now} ' }],
});

describe('burst step', () => {
  it('hands the event loop back every BURST_CHUNK deltas, so one message cannot hold the server', async () => {
    const burst = parseScenario('burst', {
      description: 'a burst',
      params: { count: { default: 5, min: 1, max: 100_000 } },
      steps: [{ burst: '$count' }],
    });
    const agent = createScenarioAgent(new Map([['burst', burst]]));
    const { context, deltas } = recordingContext(`burst ${BURST_CHUNK * 3 + 1}`);
    const seenAt: number[] = [];
    const watch = () => {
      seenAt.push(deltas.length);
      if (deltas.length < BURST_CHUNK * 3 + 1) setImmediate(watch);
    };
    setImmediate(watch);
    await agent.run(context);
    expect(deltas).toHaveLength(BURST_CHUNK * 3 + 1);
    expect(seenAt.slice(0, 3)).toEqual([BURST_CHUNK, BURST_CHUNK * 2, BURST_CHUNK * 3]);
  });
});

describe('stream step', () => {
  it('binds count and rate and keeps the {now} placeholder for emit time', () => {
    expect(bindScenario(stream, ['7', 'perSecond=100'])).toEqual([{ stream: 7, perSecond: 100, text: '{i}@{now} ' }]);
  });

  it('streams every delta in order, stamping each with its emit time', async () => {
    const agent = createScenarioAgent(new Map([['stream', stream]]));
    const { context, deltas } = recordingContext('stream 250');
    const before = performance.timeOrigin + performance.now();
    await agent.run(context);
    const after = performance.timeOrigin + performance.now();
    expect(deltas).toHaveLength(250);
    deltas.forEach((delta, index) => {
      const [i, now] = delta.trim().split('@');
      expect(Number(i)).toBe(index + 1);
      expect(Number(now)).toBeGreaterThanOrEqual(before);
      expect(Number(now)).toBeLessThanOrEqual(after);
    });
  });

  it('yields to the event loop between chunks when unpaced', async () => {
    const agent = createScenarioAgent(new Map([['stream', stream]]));
    const { context, deltas } = recordingContext(`stream ${UNPACED_STREAM_CHUNK * 2}`);
    let seenAt: number | undefined;
    setImmediate(() => {
      seenAt = deltas.length;
    });
    await agent.run(context);
    expect(seenAt).toBe(UNPACED_STREAM_CHUNK);
  });

  it('holds a steady rate when paced', async () => {
    // The clock is fake: the rate is checked against time the test moves, not a busy machine's.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
    try {
      const agent = createScenarioAgent(new Map([['stream', stream]]));
      const { context, deltas } = recordingContext('stream 40 perSecond=1000');
      const startedAt = performance.now();
      let done = false;
      const running = agent.run(context).then(() => {
        done = true;
      });
      // 40 deltas at 1,000/s: the last is due at 39 ms, never sooner.
      await vi.advanceTimersByTimeAsync(38);
      expect(done).toBe(false);
      expect(deltas.length).toBeLessThan(40);
      await vi.advanceTimersByTimeAsync(2);
      await running;
      expect(deltas).toHaveLength(40);
      const stamps = deltas.map((delta) => Number(delta.trim().split('@')[1]) - performance.timeOrigin - startedAt);
      expect(stamps.map(Math.round)).toEqual(deltas.map((_, i) => i));
    } finally {
      vi.useRealTimers();
    }
  });
});
