/**
 * Tools used only by scripted test scenarios: `sleep` (long, cancellable,
 * reports progress) and `fail` (throws on demand).
 */
import { z } from 'zod';
import { abortableWait } from '../runtime/abortable-wait';
import { defineTool, type ToolContext } from './tool';

const MAX_MS = 60_000;
/** Longest gap between progress reports of a long sleep. */
const MAX_PROGRESS_INTERVAL_MS = 250;

/**
 * Calls `onTick` with the time slept so far about every tenth of `ms` (at most
 * MAX_PROGRESS_INTERVAL_MS apart) until the returned stop is called.
 */
function tickEvery(ms: number, onTick: (elapsedMs: number) => void): () => void {
  if (ms <= 0) return () => {};
  const started = performance.now();
  const interval = Math.max(1, Math.min(ms / 10, MAX_PROGRESS_INTERVAL_MS));
  const ticker = setInterval(() => onTick(performance.now() - started), interval);
  return () => clearInterval(ticker);
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
    const stopTicking = tickEvery(ms, (elapsedMs) => report(elapsedMs / ms));
    try {
      await abortableWait(ms, signal);
    } finally {
      stopTicking();
    }
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
    if (afterMs) await abortableWait(afterMs, signal);
    throw new Error(message);
  },
});
