/**
 * Run liveness as the page shows it: how long a turn has been running, and
 * whether it is making progress. Keep-alives prove a run is alive but are not
 * progress, so a run that only sends keep-alives turns "quiet", then "stuck".
 */
import type { Turn } from './turn';

export interface LivenessSettings {
  /** No progress for this long: the turn says "Still working, N s without progress". @default 10 s */
  quietAfterMs: number;
  /** No progress for this long: the turn says it seems stuck, and offers Stop. @default 60 s */
  stuckAfterMs: number;
  /** A Stop the server has not confirmed after this long ends the turn on the page. @default 10 s */
  stopTimeoutMs: number;
}

export const DEFAULT_LIVENESS_SETTINGS: LivenessSettings = {
  quietAfterMs: 10_000,
  stuckAfterMs: 60_000,
  stopTimeoutMs: 10_000,
};

/** `live`: progress lately; `quiet`: none for a while; `stuck`: none for long enough to say so. */
type LivenessLevel = 'live' | 'quiet' | 'stuck';

export interface TurnLiveness {
  level: LivenessLevel;
  /** Time since the turn began. */
  elapsedMs: number;
  /** Time since its last progress (any event but a keep-alive). */
  quietMs: number;
}

/** The liveness of an active turn at `now`; undefined once it has ended. */
export function turnLiveness(turn: Turn, now: number, settings: LivenessSettings): TurnLiveness | undefined {
  if (turn.state !== 'pending' && turn.state !== 'running') return undefined;
  const elapsedMs = Math.max(0, now - turn.startedAt);
  const quietMs = Math.max(0, now - turn.lastProgressAt);
  // Stopping is its own state: the Stop bound, not the stuck notice, settles it.
  if (turn.cancelRequested) return { level: 'live', elapsedMs, quietMs };
  const level = quietMs >= settings.stuckAfterMs ? 'stuck' : quietMs >= settings.quietAfterMs ? 'quiet' : 'live';
  return { level, elapsedMs, quietMs };
}

const MIN_SETTING_MS = 100;

function readMs(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value >= MIN_SETTING_MS ? value : fallback;
}

/**
 * Settings from the page URL, e.g. `?quietAfterMs=1000&stuckAfterMs=3000&stopTimeoutMs=2000`:
 * documented knobs for tests and demos; invalid values fall back to the defaults.
 */
export function livenessSettingsFrom(search: string): LivenessSettings {
  const params = new URLSearchParams(search);
  const defaults = DEFAULT_LIVENESS_SETTINGS;
  return {
    quietAfterMs: readMs(params, 'quietAfterMs', defaults.quietAfterMs),
    stuckAfterMs: readMs(params, 'stuckAfterMs', defaults.stuckAfterMs),
    stopTimeoutMs: readMs(params, 'stopTimeoutMs', defaults.stopTimeoutMs),
  };
}
