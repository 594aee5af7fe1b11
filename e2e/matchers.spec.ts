/**
 * The custom matchers, on real runs: they pass when the page drew every event,
 * and fail, naming what is missing, when it did not.
 */
import { RUN_EVENT_TYPES } from '@agent-event-harness/playwright';
import { expect, skipUnless, test } from './fixtures';
import { scaled } from './support/timeouts';

test.describe('matchers', () => {
  test('passes toHaveRendered for every event type of a complete run, and toRenderWithin', async ({ chat }) => {
    const turn = await chat.send('/scenario slow-tool 600');
    expect((await chat.lastTurn()).runId).toBe(turn.runId);
    await expect(turn).toCompleteRun({ status: 'completed' });
    for (const type of RUN_EVENT_TYPES) await expect(turn).toHaveRendered(type);
    // Generous on purpose: this proves the measurement works; speed targets belong in `npm run bench`.
    await expect(turn).toRenderWithin(5_000);
  });

  test('names the event the page never drew', async ({ chat, agentRuns, capabilities }) => {
    skipUnless(capabilities, 'serverFaults', 'scenarios');
    // crash-tool never sends tool_completed: its seq is skipped, and the call never completes.
    agentRuns.expectViolations(
      { code: 'tool_not_completed', message: 'tool call t-1 (calculator)' },
      { code: 'seq_gap', message: 'seq jumps from 3 to 5' },
    );
    const turn = await chat.send('/fault crash-tool; /scenario basic');
    await expect(turn).toCompleteRun();
    await expect(turn).not.toHaveRendered('tool_completed');
    await expect(expect(turn).toHaveRendered('tool_completed', { timeout: scaled(300) })).rejects.toThrow(
      /no tool_completed event reached the page/,
    );
  });

  test('reports the final state a run ended in', async ({ chat }) => {
    const turn = await chat.send('/scenario agent-error');
    await expect(turn).toCompleteRun({ status: 'failed' });
    await expect(expect(turn).toCompleteRun({ status: 'completed', timeout: scaled(300) })).rejects.toThrow(
      /to end as "completed"; it is "failed" \(the turn shows ".*Failed: the model provider returned an error · /,
    );
  });
});
