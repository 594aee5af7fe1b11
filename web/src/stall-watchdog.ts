/**
 * Stall watchdog: while a run is active the server sends something at least
 * every couple of seconds (events or keep-alives). After half the timeout in
 * silence the page asks for a sign of life (a ping the server answers at once);
 * a socket silent for the whole timeout is dead even if it never closed, so the
 * page drops it, says so, reconnects and resumes. A run that is silent on a
 * live socket is the run's problem, not the connection's: pongs keep it open.
 */

/** Silence during an active run after which the connection counts as stalled. */
export const DEFAULT_STALL_TIMEOUT_MS = 8_000;

export interface StallWatchdogOptions {
  /** @default DEFAULT_STALL_TIMEOUT_MS (8 s; four server keep-alive intervals) */
  timeoutMs?: number;
  /** Whether silence matters now (a run is active and the socket is open). */
  isWatching(): boolean;
  /** Half the timeout passed in silence: probe the connection (send a ping). Called once per silence. */
  onQuiet?(): void;
  onStall(): void;
  now?: () => number;
  setInterval?: (callback: () => void, ms: number) => unknown;
}

export interface StallWatchdog {
  /** Call on every frame received, and when a socket opens. */
  frameReceived(): void;
}

export function startStallWatchdog(options: StallWatchdogOptions): StallWatchdog {
  const timeoutMs = options.timeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const now = options.now ?? (() => performance.now());
  const every = options.setInterval ?? ((callback, ms) => setInterval(callback, ms));
  let lastFrameAt = now();
  let probed = false;
  const reset = () => {
    lastFrameAt = now();
    probed = false;
  };
  every(
    () => {
      if (!options.isWatching()) return reset();
      const silentMs = now() - lastFrameAt;
      if (silentMs >= timeoutMs) {
        reset(); // one alarm per stall
        options.onStall();
      } else if (silentMs >= timeoutMs / 2 && !probed) {
        probed = true;
        options.onQuiet?.();
      }
    },
    Math.max(50, timeoutMs / 8),
  );
  return { frameReceived: reset };
}

/** The timeout from the page URL (`?stallTimeoutMs=1000`), a documented test hook; else the default. */
export function stallTimeoutFrom(search: string): number {
  const value = Number(new URLSearchParams(search).get('stallTimeoutMs'));
  return Number.isFinite(value) && value >= 100 ? value : DEFAULT_STALL_TIMEOUT_MS;
}
