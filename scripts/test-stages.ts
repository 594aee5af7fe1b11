/**
 * `npm test`: every stage of the suite (scripts/test-stages/stages.ts), in
 * order, each run even when one before it failed (a type error must not hide a
 * broken page), then a table of the stages with their result and time. Exits 1
 * when any stage failed. `--only a,b` runs some stages; `--list` prints them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { formatSummary, type Outcome, runStages, STAGES, type Stage, selectStages } from './test-stages/stages';

let current: ChildProcess | undefined;
let stoppedBy: NodeJS.Signals | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stoppedBy = signal;
    current?.kill(signal);
  });
}

function run(stage: Stage): Promise<Outcome> {
  const startedAt = performance.now();
  console.log(`\n▶ ${stage.name} (npm run ${stage.script})`);
  return new Promise((resolve) => {
    const done = (passed: boolean) => {
      current = undefined;
      resolve({ stage, passed, seconds: (performance.now() - startedAt) / 1000 });
    };
    current = spawn('npm', ['run', '--silent', stage.script], { stdio: 'inherit' });
    current.once('error', (error) => {
      console.error(`${stage.name}: could not start npm: ${error.message}`);
      done(false);
    });
    current.once('exit', (code) => done(code === 0));
  });
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--list')) {
    for (const stage of STAGES) console.log(`${stage.name}\tnpm run ${stage.script}`);
    return 0;
  }
  const outcomes = await runStages(selectStages(argv), run, () => stoppedBy !== undefined);
  console.log(`\n${formatSummary(outcomes)}`);
  if (stoppedBy) return stoppedBy === 'SIGINT' ? 130 : 143;
  return outcomes.length > 0 && outcomes.every((outcome) => outcome.passed) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
