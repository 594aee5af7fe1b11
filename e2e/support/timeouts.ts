/**
 * Every e2e timeout comes from one scale factor: `E2E_TIMEOUT_SCALE` (default
 * 1) multiplies the test and expect timeouts in playwright.config.ts and each
 * explicit timeout in a spec, so a slow CI machine raises one number instead
 * of editing tests.
 */
import { z } from 'zod';

const scale = z.coerce
  .number()
  .positive('E2E_TIMEOUT_SCALE must be a positive number, e.g. 2')
  .default(1)
  .parse(process.env.E2E_TIMEOUT_SCALE || undefined);

/** `ms` times the scale factor. */
export function scaled(ms: number): number {
  return Math.round(ms * scale);
}
