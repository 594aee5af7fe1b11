/**
 * Stall watchdog: while a run is active the server sends something at least
 * every couple of seconds (events or keep-alives). A socket silent for much
 * longer is dead even if it never closed, so the page reconnects and resumes.
 */

/** Silence during an active run after which the connection counts as stalled. */
export const DEFAULT_STALL_TIMEOUT_MS = 8_000;

export interface StallWatchdogOptions {
  /** @default DEFAULT_STALL_TIMEOUT_MS (8 s; four server keep-alive intervals) */
  timeoutMs?: number;
  /** Whether silence matters now (a run is active and the socket is open). */
  isWatching(): boolean;
  onStall(): void;
  now?: () => number;
  setInterval?: (callback: () => void, ms: number) => unknown;
}

export interface StallWatchdog {
  /** Call on every frame received. */
  frameReceived(): void;
}

export function startStallWatchdog(options: StallWatchdogOptions): StallWatchdog {
  const timeoutMs = options.timeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const now = options.now ?? (() => performance.now());
  const every = options.setInterval ?? ((callback, ms) => setInterval(callback, ms));
  let lastFrameAt = now();
  every(
    () => {
      if (!options.isWatching()) {
        lastFrameAt = now();
        return;
      }
      if (now() - lastFrameAt < timeoutMs) return;
      lastFrameAt = now(); // one alarm per stall
      options.onStall();
    },
    Math.max(50, timeoutMs / 4),
  );
  return {
    frameReceived() {
      lastFrameAt = now();
    },
  };
}

/** The timeout from the page URL (`?stallTimeoutMs=1000`), a documented test hook; else the default. */
export function stallTimeoutFrom(search: string): number {
  const value = Number(new URLSearchParams(search).get('stallTimeoutMs'));
  return Number.isFinite(value) && value >= 100 ? value : DEFAULT_STALL_TIMEOUT_MS;
}
