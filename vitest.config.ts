/** Unit and integration tests: `*.test.ts` beside the code they test (e2e uses Playwright). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{protocol,server,web,scripts,e2e}/**/*.test.ts'],
    environment: 'node',
  },
});
