/**
 * `npm test`: every stage of the suite, in order, each run even when one
 * before it failed (a type error must not hide a broken page), then a table of
 * the stages with their result and time. Exits 1 when any stage failed.
 * `--only a,b` runs some stages; `--list` prints them.
 */
import { spawn } from 'node:child_process';

export interface Stage {
  name: string;
  /** The npm script the stage runs. */
  script: string;
}

export const STAGES: readonly Stage[] = [
  { name: 'browser', script: 'browser' },
  { name: 'validate', script: 'validate' },
  { name: 'typecheck', script: 'typecheck' },
  { name: 'lint', script: 'lint' },
  { name: 'unit', script: 'test:unit' },
  { name: 'e2e', script: 'test:e2e' },
  { name: 'examples', script: 'test:examples' },
  { name: 'pack', script: 'test:pack' },
];

export interface Outcome {
  stage: Stage;
  passed: boolean;
  seconds: number;
}

let current: ReturnType<typeof spawn> | undefined;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    current?.kill(signal);
  });
}

function run(stage: Stage): Promise<Outcome> {
  const startedAt = performance.now();
  console.log(`\n▶ ${stage.name} (npm run ${stage.script})`);
  return new Promise((resolve) => {
    current = spawn('npm', ['run', '--silent', stage.script], { stdio: 'inherit' });
    current.once('exit', (code) => {
      current = undefined;
      resolve({ stage, passed: code === 0, seconds: (performance.now() - startedAt) / 1000 });
    });
  });
}

export function formatSummary(outcomes: readonly Outcome[]): string {
  const rows = outcomes.map(({ stage, passed, seconds }) => [stage.name, passed ? 'passed' : 'FAILED', seconds]);
  const total = outcomes.reduce((sum, outcome) => sum + outcome.seconds, 0);
  const width = Math.max(5, ...outcomes.map(({ stage }) => stage.name.length));
  const line = (name: string, result: string, seconds: string) =>
    `${name.padEnd(width)}  ${result.padEnd(6)}  ${seconds.padStart(8)}`;
  return [
    line('stage', 'result', 'time'),
    line('-'.repeat(width), '------', '--------'),
    ...rows.map(([name, result, seconds]) => line(String(name), String(result), `${Number(seconds).toFixed(1)} s`)),
    line('total', outcomes.every((outcome) => outcome.passed) ? 'passed' : 'FAILED', `${total.toFixed(1)} s`),
  ].join('\n');
}

function selected(argv: readonly string[]): readonly Stage[] {
  const at = argv.indexOf('--only');
  if (at < 0) return STAGES;
  const names = (argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((name) => !STAGES.some((stage) => stage.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown stage ${unknown.join(', ')}; stages: ${STAGES.map((s) => s.name).join(', ')}`);
  }
  return STAGES.filter((stage) => names.includes(stage.name));
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--list')) {
    for (const stage of STAGES) console.log(`${stage.name}\tnpm run ${stage.script}`);
    return 0;
  }
  const outcomes = await runStages(selected(argv), run, () => interrupted);
  console.log(`\n${formatSummary(outcomes)}`);
  if (interrupted) return 130;
  return outcomes.every((outcome) => outcome.passed) ? 0 : 1;
}

/** Runs each stage in order, the failed ones' successors too; stops only when `stopped()` (Ctrl-C). */
export async function runStages(
  stages: readonly Stage[],
  runOne: (stage: Stage) => Promise<Outcome>,
  stopped: () => boolean = () => false,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const stage of stages) {
    if (stopped()) break;
    outcomes.push(await runOne(stage));
  }
  return outcomes;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
