/** Unit and integration tests: `*.test.ts` beside the code they test (e2e uses Playwright). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{protocol,server,web,scripts,e2e,harness/src}/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    environment: 'node',
    // A hang guard, not a budget: no test relies on it, and a busy 2-core machine must not trip it.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
