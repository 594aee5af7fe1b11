/** Unit and integration tests: `*.test.ts` beside the code they test (e2e uses Playwright). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{protocol,server,web,scripts,e2e,harness/src}/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    environment: 'node',
  },
});
