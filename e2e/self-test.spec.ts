/**
 * Self-test: the harness must catch a broken backend. Each test breaks one
 * run's stream on purpose (server fault switches, AGENT_FAULTS=1) and asserts
 * that the standard lifecycle check detects the defect and names it.
 */

import type { ExpectedViolation } from '@agent-event-harness/playwright';
import { formatViolations } from '@agent-event-harness/playwright';
import { expect, skipUnless, test } from './fixtures';
import { injectSocketFault } from './support/socket-faults';
import { scaled } from './support/timeouts';

test.describe('harness self-test', () => {
  const faults: { name: string; message: string; expected: RegExp; provokes: ExpectedViolation[] }[] = [
    {
      name: 'a tool that never reports tool_completed',
      message: '/fault crash-tool; /scenario basic',
      expected: /run \S+: tool call t-1 \(calculator\) has no tool_completed before agent_completed/,
      provokes: [
        { code: 'tool_not_completed', message: 'tool call t-1 (calculator)' },
        { code: 'seq_gap', message: 'seq jumps from 3 to 5' },
      ],
    },
    {
      name: 'a suppressed event type',
      message: '/fault suppress=agent_thinking; /scenario basic',
      expected: /seq jumps from 1 to 3; 1 event\(s\) missing/,
      provokes: [{ code: 'seq_gap' }],
    },
    {
      name: 'two events sent out of order',
      message: '/fault swap=3; /scenario basic',
      expected: /seq 3 \(tool_executing\) follows seq 4/,
      provokes: [
        { code: 'seq_gap', message: 'seq jumps from 2 to 4' },
        { code: 'seq_not_increasing', message: 'seq 3 (tool_executing) follows seq 4' },
        { code: 'tool_completed_without_executing', message: 't-1' },
        { code: 'tool_not_completed', message: 't-1' },
      ],
    },
  ];

  for (const fault of faults) {
    test(`detects ${fault.name}`, async ({ chat, agentRuns, capabilities }) => {
      skipUnless(capabilities, 'serverFaults', 'scenarios');
      agentRuns.expectViolations(...fault.provokes);
      const turn = await chat.send(fault.message);
      await agentRuns.completion(turn.runId);
      const report = formatViolations(await agentRuns.violations());
      expect(report).toMatch(fault.expected);
      // The page runs the same checker and shows the defect to whoever is looking.
      await expect(turn.root.getByRole('alert')).toContainText('Protocol violation');
    });
  }

  test('detects a run that stops emitting, and shows it seems stuck', async ({ chat, agentRuns, capabilities }) => {
    skipUnless(capabilities, 'serverFaults', 'scenarios');
    agentRuns.expectViolations({ code: 'run_not_terminated' }, { code: 'tool_not_completed', optional: true });
    await chat.open({ query: { quietAfterMs: 500, stuckAfterMs: 1000 } });
    const turn = await chat.send('/fault stop-after=3; /scenario basic');
    await expect(turn.liveness).toHaveText(/^This run seems stuck/);
    await expect(turn.root).toHaveAttribute('data-run-state', 'running');
    expect(formatViolations(await agentRuns.violations())).toContain(`run ${turn.runId} never terminated`);
  });

  test('detects a frame the network dropped', async ({ page, chat, agentRuns, capabilities }) => {
    skipUnless(capabilities, 'scenarios');
    // The harness reads what the page received, so it sees the gap the page saw.
    agentRuns.expectViolations(
      { code: 'seq_gap', message: 'seq jumps from 2 to 4' },
      { code: 'tool_completed_without_executing', message: 't-1' },
    );
    await injectSocketFault(page, { drop: (frame) => frame.type === 'tool_executing' });
    await chat.open(); // again, now through the faulty network
    const turn = await chat.send('/scenario basic');
    await expect(turn).toCompleteRun();
    await expect(turn).not.toHaveRendered('tool_executing');
    await expect(expect(turn).toHaveRendered('tool_executing', { timeout: scaled(300) })).rejects.toThrow(
      /no tool_executing event reached the page/,
    );
    await expect(turn.root.getByRole('alert')).toContainText('Protocol violation');
    await expect(turn.root.getByRole('alert')).toContainText('seq jumps from 2 to 4');
  });

  test('detects frames the network duplicated, and still shows them once', async ({
    page,
    chat,
    agentRuns,
    capabilities,
  }) => {
    skipUnless(capabilities, 'scenarios');
    agentRuns.expectViolations({ code: 'seq_not_increasing', message: '(partial_result) follows seq' });
    await injectSocketFault(page, { duplicate: (frame) => frame.type === 'partial_result' });
    await chat.open(); // again, now through the faulty network
    const turn = await chat.send('/scenario slow-stream 0');
    await expect(turn).toCompleteRun();
    await expect(turn.answer).toHaveText('Streaming one word at a time so you can watch it grow. Done.');
    // The page's hook counts the copies it dropped; the harness names each one.
    const stats = await page.evaluate(() => window.__chatHarness?.stats());
    expect(stats?.duplicateEvents).toBe(13);
    const repeats = (await agentRuns.violations()).filter((violation) => violation.code === 'seq_not_increasing');
    expect(repeats).toHaveLength(13);
    expect(repeats[0]?.message).toMatch(/seq (\d+) \(partial_result\) follows seq \1$/);
  });

  test('detects events the server held back, with toRenderWithin', async ({ chat }) => {
    const turn = await chat.send('/fault delay=1200; /scenario basic');
    await expect(turn).toCompleteRun();
    // Drawn at once on arrival, but late since emit: only the emit-to-draw measure sees it.
    await expect(turn).toRenderWithin(1_000, { from: 'arrival' });
    await expect(expect(turn).toRenderWithin(1_000)).rejects.toThrow(
      /agent_\w+ seq \d+ drawn \d+\.\d ms after the server emitted it/,
    );
  });

  test('detects frames the network delayed, with toRenderWithin', async ({ page, chat }) => {
    await injectSocketFault(page, { delayMs: (frame) => (frame.type === 'tool_completed' ? 1_200 : 0) });
    await chat.open(); // again, now through the faulty network
    const turn = await chat.send('/scenario basic');
    await expect(turn).toCompleteRun();
    await expect(expect(turn).toRenderWithin(1_000)).rejects.toThrow(
      /tool_completed seq \d+ drawn \d+\.\d ms after the server emitted it/,
    );
  });
});
