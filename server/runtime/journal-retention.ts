/**
 * Runs the journal's retention (journal/retention.ts) at start and then every
 * `intervalMs`, logging what it deleted; a failed pass is logged and retried
 * at the next one, never thrown into the server.
 */
import type { Logger } from 'pino';
import { DEFAULT_RETENTION_INTERVAL_MS, type RetentionOptions } from '../journal/retention';
import type { RunManager } from './run-manager';

export interface RetentionScheduleOptions extends RetentionOptions {
  /** Time between two passes. @default DEFAULT_RETENTION_INTERVAL_MS (10 min) */
  intervalMs?: number;
}

/** Starts the passes; returns a function that stops them. */
export function scheduleRetention(
  runs: RunManager,
  logger: Logger,
  options: RetentionScheduleOptions = {},
): () => void {
  let running = false;
  const pass = async () => {
    if (running) return; // a pass longer than the interval: the next one waits for the one after
    running = true;
    try {
      const { events, bytes, threads } = await runs.applyRetention(options);
      if (events > 0) logger.info({ events, bytes, threads: threads.length }, 'journal retention deleted old events');
    } catch (error) {
      logger.error({ err: error }, 'journal retention failed; it runs again at the next interval');
    } finally {
      running = false;
    }
  };
  void pass();
  const timer = setInterval(pass, options.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
