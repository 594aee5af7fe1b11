import { describe, expect, it } from 'vitest';
import { formatSummary, type Outcome, runStages, STAGES, type Stage } from './stages';

describe('npm test stages', () => {
  it('runs every stage even after one fails', async () => {
    const ran: string[] = [];
    const outcomes = await runStages(STAGES, async (stage: Stage) => {
      ran.push(stage.name);
      return { stage, passed: stage.name !== 'typecheck', seconds: 1 };
    });
    expect(ran).toEqual(STAGES.map((stage) => stage.name));
    expect(outcomes.filter((outcome) => !outcome.passed).map((outcome) => outcome.stage.name)).toEqual(['typecheck']);
  });

  it('ends with a table of each stage, its result and time, and the total', () => {
    const outcomes: Outcome[] = [
      { stage: { name: 'lint', script: 'lint' }, passed: true, seconds: 2.04 },
      { stage: { name: 'unit', script: 'test:unit' }, passed: false, seconds: 61.5 },
    ];
    expect(formatSummary(outcomes).split('\n')).toEqual([
      'stage  result      time',
      '-----  ------  --------',
      'lint   passed     2.0 s',
      'unit   FAILED    61.5 s',
      'total  FAILED    63.5 s',
    ]);
  });
});
