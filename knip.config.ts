/**
 * knip, the last step of `npm run lint`: files, exports and dependencies
 * nothing uses, in the root and each workspace (harness, examples/*). Its
 * plugins find most entries themselves: package.json scripts (tsx, node,
 * vite --config; .ci/run runs only npm scripts), the workflows' run: lines,
 * vitest.config.ts, playwright.config.ts and each example's configs. Listed here is only what
 * they cannot see, each with why; an ignore is for a false positive, never
 * for a finding to fix. knip loads the playwright configs, which import the
 * built harness package: `npm run lint:knip` builds it first when it is missing.
 */
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  workspaces: {
    '.': {
      entry: [
        // Bundled by path by scripts/validate/launch.mjs (esbuild), which `npm run validate` runs.
        'scripts/validate.ts',
        'scripts/validate/browser-checks.ts',
        // Copied into a scratch project and compiled there by scripts/harness-pack-check.ts.
        'scripts/harness-pack-consumer.ts',
        // A command of its own, documented in bench/README.md: npx tsx bench/page-trace.ts <trace.json>.
        'bench/page-trace.ts',
      ],
      vite: { config: ['web/vite.config.ts'] },
      // System programs from Debian's packages (the ensure-* scripts and scripts/actionlint.ts install them), not npm's.
      ignoreBinaries: ['shellcheck', 'redis-server', 'redis-cli', 'mount', 'umount'],
      // server/testing/llm-mock.ts starts its CLI through createRequire().resolve(), which knip does not follow.
      ignoreDependencies: ['@copilotkit/aimock'],
    },
    // harness needs nothing here: its package.json exports (dist/index.js, traced back to src/index.ts)
    // make src/index.ts an entry, so the published API is never reported as unused.
  },
};

export default config;
