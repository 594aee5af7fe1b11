/**
 * `npm run validate` starts here, in plain Node: tsx would compile the
 * validation and every server module on each start, which is most of a
 * 5-second budget. This bundles the validation and the server with esbuild
 * into dist-validate/ when their sources changed since the last bundle, then
 * runs the validation's bundle (which starts the server's).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = path.join(root, 'dist-validate');
const SOURCES = ['scripts', 'server', 'protocol', 'harness/src', 'e2e/support', 'package-lock.json', 'tsconfig.json'];
/** The newest source time the bundles were built from: a file saved during a build stays newer than it. */
const STAMP = path.join(out, 'sources-mtime');
/** Playwright and the native SQLite binding stay packages; the server takes its other packages in, so it loads one file. */
const BUNDLES = {
  'validate.mjs': { entry: 'scripts/validate.ts', packages: 'external' },
  'browser-checks.mjs': { entry: 'scripts/validate/browser-checks.ts', packages: 'external' },
  'server.mjs': { entry: 'server/main.ts', external: ['better-sqlite3', 'pino-pretty', 'thread-stream'] },
};
// Bundled CommonJS packages call require(): give the ES module one.
const REQUIRE_SHIM = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((child) => newestMtime(path.join(entry, child))));
}

const sourcesAt = Math.max(...SOURCES.map((source) => newestMtime(path.join(root, source))));
const builtFrom = existsSync(STAMP) ? Number(readFileSync(STAMP, 'utf8')) : -1;
const complete = Object.keys(BUNDLES).every((name) => existsSync(path.join(out, name)));
if (!complete || builtFrom !== sourcesAt) {
  const { build } = await import('esbuild');
  await Promise.all(
    Object.entries(BUNDLES).map(([name, { entry, ...packages }]) =>
      build({
        entryPoints: [path.join(root, entry)],
        outfile: path.join(out, name),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        banner: { js: REQUIRE_SHIM },
        logLevel: 'error',
        ...packages,
      }),
    ),
  );
  writeFileSync(STAMP, String(sourcesAt));
}
await import(path.join(out, 'validate.mjs'));
