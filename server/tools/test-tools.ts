/**
 * Tools used only by scripted test scenarios: `sleep` (long, cancellable,
 * reports progress) and `fail` (throws on demand).
 */
import { z } from 'zod';
import { defineTool, type ToolContext } from './tool';

const MAX_MS = 60_000;
/** Longest gap between progress reports of a long sleep. */
const MAX_PROGRESS_INTERVAL_MS = 250;

/** Waits `ms`, rejecting with the signal's reason as soon as it aborts; never leaves timers behind. */
function wait(ms: number, signal: AbortSignal, onTick?: (elapsedMs: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const started = performance.now();
    let ticker: ReturnType<typeof setInterval> | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      clearInterval(ticker);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      cleanup();
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve();
    }, ms);
    if (onTick && ms > 0) {
      const interval = Math.max(1, Math.min(ms / 10, MAX_PROGRESS_INTERVAL_MS));
      ticker = setInterval(() => onTick(performance.now() - started), interval);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const sleepTool = defineTool({
  name: 'sleep',
  description: 'Test-only: waits the given number of milliseconds, reporting progress; cancellable.',
  args: z.object({ ms: z.number().int().min(0).max(MAX_MS) }),
  execute: async ({ ms }, { signal, progress }: ToolContext) => {
    let reported = 0;
    const report = (fraction: number) => {
      // Timers can fire late or out of step; only ever report forward progress.
      const clamped = Math.min(1, fraction);
      if (clamped <= reported) return;
      reported = clamped;
      progress(clamped, `slept ${Math.round(clamped * ms)} of ${ms} ms`);
    };
    await wait(ms, signal, (elapsedMs) => report(elapsedMs / ms));
    report(1);
    return { sleptMs: ms };
  },
});

export const failTool = defineTool({
  name: 'fail',
  description: 'Test-only: optionally waits, then fails with the given error message.',
  args: z.object({
    message: z.string().max(1000),
    afterMs: z.number().int().min(0).max(MAX_MS).optional(),
  }),
  execute: async ({ message, afterMs }, { signal }: ToolContext): Promise<never> => {
    if (afterMs) await wait(afterMs, signal);
    throw new Error(message);
  },
});
