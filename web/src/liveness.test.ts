import { describe, expect, it } from 'vitest';
import { DEFAULT_LIVENESS_SETTINGS, livenessSettingsFrom, turnLiveness } from './liveness';
import { createTurn, type Turn } from './turn';

const settings = { quietAfterMs: 1_000, stuckAfterMs: 5_000, stopTimeoutMs: 2_000 };
const running = (fields: Partial<Turn> = {}): Turn => ({
  ...createTurn('c-1', 'hi', 10_000),
  state: 'running',
  lastProgressAt: 12_000,
  ...fields,
});

describe('turnLiveness', () => {
  it('counts elapsed time from the start and quiet time from the last progress', () => {
    expect(turnLiveness(running(), 12_500, settings)).toEqual({ level: 'live', elapsedMs: 2_500, quietMs: 500 });
    expect(turnLiveness(running(), 13_000, settings)).toMatchObject({ level: 'quiet', quietMs: 1_000 });
    expect(turnLiveness(running(), 17_000, settings)).toMatchObject({ level: 'stuck', quietMs: 5_000 });
  });

  it('says nothing of an ended turn, and leaves a stopping one to the Stop bound', () => {
    expect(turnLiveness(running({ state: 'completed' }), 99_000, settings)).toBeUndefined();
    expect(turnLiveness(running({ cancelRequested: true }), 99_000, settings)?.level).toBe('live');
  });

  it('watches a message that waits for acceptance too', () => {
    expect(turnLiveness(running({ state: 'pending' }), 20_000, settings)?.level).toBe('stuck');
  });
});

describe('livenessSettingsFrom', () => {
  it('reads the URL knobs and falls back to the defaults on bad values', () => {
    expect(livenessSettingsFrom('?quietAfterMs=1500&stuckAfterMs=4000&stopTimeoutMs=2500')).toEqual({
      quietAfterMs: 1500,
      stuckAfterMs: 4000,
      stopTimeoutMs: 2500,
    });
    expect(livenessSettingsFrom('?quietAfterMs=oops&stuckAfterMs=5')).toEqual(DEFAULT_LIVENESS_SETTINGS);
    expect(livenessSettingsFrom('')).toEqual(DEFAULT_LIVENESS_SETTINGS);
  });
});
