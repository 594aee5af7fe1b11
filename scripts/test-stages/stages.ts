/**
 * The stages of `npm test`, in order, and how their outcomes are run and
 * summed up (the entry, scripts/test-stages.ts, spawns them).
 */

export interface Stage {
  name: string;
  /** The npm script the stage runs. */
  script: string;
}

export const STAGES: readonly Stage[] = [
  { name: 'browser', script: 'browser' },
  { name: 'redis', script: 'redis' },
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

/** The stages `--only a,b` names, in suite order; throws for an unknown name. */
export function selectStages(argv: readonly string[]): readonly Stage[] {
  const at = argv.indexOf('--only');
  if (at < 0) return STAGES;
  const names = (argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((name) => !STAGES.some((stage) => stage.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown stage ${unknown.join(', ')}; stages: ${STAGES.map((s) => s.name).join(', ')}`);
  }
  return STAGES.filter((stage) => names.includes(stage.name));
}

export function formatSummary(outcomes: readonly Outcome[]): string {
  const total = outcomes.reduce((sum, outcome) => sum + outcome.seconds, 0);
  const width = Math.max(5, ...outcomes.map(({ stage }) => stage.name.length));
  const line = (name: string, result: string, seconds: string) =>
    `${name.padEnd(width)}  ${result.padEnd(6)}  ${seconds.padStart(8)}`;
  return [
    line('stage', 'result', 'time'),
    line('-'.repeat(width), '------', '--------'),
    ...outcomes.map(({ stage, passed, seconds }) =>
      line(stage.name, passed ? 'passed' : 'FAILED', `${seconds.toFixed(1)} s`),
    ),
    line('total', outcomes.every((outcome) => outcome.passed) ? 'passed' : 'FAILED', `${total.toFixed(1)} s`),
  ].join('\n');
}
