/** One check of the quick validation, and how each is timed and reported. */

export interface Check {
  name: string;
  run(): Promise<void>;
}

export interface CheckResult {
  check: Check;
  error?: unknown;
  seconds: number;
}

export async function timed(check: Check): Promise<CheckResult> {
  const startedAt = performance.now();
  try {
    await check.run();
    return { check, seconds: (performance.now() - startedAt) / 1000 };
  } catch (error) {
    return { check, error, seconds: (performance.now() - startedAt) / 1000 };
  }
}
