import { describe, expect, it } from 'vitest';
import { DEFAULT_STALL_TIMEOUT_MS, stallTimeoutFrom, startStallWatchdog } from './stall-watchdog';

function harness(watching: () => boolean) {
  let now = 0;
  let tick: () => void = () => {};
  let stalls = 0;
  let probes = 0;
  const watchdog = startStallWatchdog({
    timeoutMs: 1000,
    isWatching: watching,
    onQuiet: () => {
      probes += 1;
    },
    onStall: () => {
      stalls += 1;
    },
    now: () => now,
    setInterval: (callback) => {
      tick = callback;
    },
  });
  const advance = (ms: number) => {
    for (let t = 0; t < ms; t += 250) {
      now += 250;
      tick();
    }
  };
  return { watchdog, advance, stalls: () => stalls, probes: () => probes };
}

describe('startStallWatchdog', () => {
  it('raises one alarm per stall while watching, and none while frames flow', () => {
    const { watchdog, advance, stalls } = harness(() => true);
    for (let i = 0; i < 8; i += 1) {
      advance(500);
      watchdog.frameReceived();
    }
    expect(stalls()).toBe(0);
    advance(1000);
    expect(stalls()).toBe(1);
    advance(500);
    expect(stalls()).toBe(1);
  });

  it('probes once at half the timeout, and does not stall while the probe is answered', () => {
    const { watchdog, advance, stalls, probes } = harness(() => true);
    advance(500);
    expect(probes()).toBe(1);
    advance(250);
    expect(probes()).toBe(1);
    watchdog.frameReceived(); // the pong
    advance(750);
    expect([probes(), stalls()]).toEqual([2, 0]);
    advance(250);
    expect([probes(), stalls()]).toEqual([2, 1]);
  });

  it('does not count silence while nothing is being watched', () => {
    let watching = false;
    const { advance, stalls } = harness(() => watching);
    advance(5000);
    watching = true;
    advance(750);
    expect(stalls()).toBe(0);
  });
});

describe('stallTimeoutFrom', () => {
  it('reads ?stallTimeoutMs= and falls back to the default', () => {
    expect(stallTimeoutFrom('?stallTimeoutMs=1500')).toBe(1500);
    expect(stallTimeoutFrom('?stallTimeoutMs=oops')).toBe(DEFAULT_STALL_TIMEOUT_MS);
    expect(stallTimeoutFrom('')).toBe(DEFAULT_STALL_TIMEOUT_MS);
  });
});
