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

/** A hang guard, not a budget: a check that waits forever on a broken server fails, saying what it waited for. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms / 1000} s for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}
