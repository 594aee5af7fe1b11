/**
 * Broken AG-UI streams, each a bug seen in the wild, and the violation the
 * harness names for it. Four are made by the server's TEST-ONLY fault switch
 * (the stream a buggy server really sends, streamed live); the reordering is
 * made on the way to the page (the real response, rewritten by `page.route`).
 */
import { expect, injectServerFault, test } from './harness';

const HELLO = 'Hello! I can do arithmetic with my calculator and look topics up in a small knowledge base.';

test('a run that never sends RUN_FINISHED (ag-ui#2416) is named, though the page shows it as done', async ({
  page,
  agentRuns,
}) => {
  await injectServerFault(page, 'no-terminal');
  await page.goto('/');
  const turn = await agentRuns.send('what is 6 * 7?');
  // HttpAgent resolves a stream that just ends, so the page draws the run as completed (ag-ui#2300).
  await expect(turn).toCompleteRun();
  await expect(expect(turn).toHaveRendered('agent_completed', { timeout: 500 })).rejects.toThrow(
    'no agent_completed event reached the page',
  );
  agentRuns.expectViolations({
    code: 'agui_run_not_terminated',
    message: new RegExp(`^run ${turn.runId} never terminated: its stream ended with no RUN_FINISHED or RUN_ERROR$`),
  });
});

test('a tool call that never finishes (CopilotKit#1982) is named; the client fails the run', async ({
  page,
  agentRuns,
}) => {
  await injectServerFault(page, 'tool-never-ends');
  await page.goto('/');
  const turn = await agentRuns.send('what is 6 * 7?');
  await expect(turn).toCompleteRun({ status: 'failed' });
  await expect(turn.root.locator('.tool-call .tool-status')).toHaveText('error');
  // The stream says success; the page, whose client refused the stream, says failed.
  await expect(expect(turn).toHaveRendered('agent_completed', { timeout: 500 })).rejects.toThrow(
    'agent_completed: status success drawn as "failed", not "completed"',
  );
  agentRuns.expectViolations(
    {
      code: 'agui_tool_call_not_ended',
      message: `run ${turn.runId}: tool call call_calc_42 (calculator) has no TOOL_CALL_END before RUN_FINISHED`,
    },
    {
      code: 'agui_verify',
      message: "Cannot send 'RUN_FINISHED' while tool calls are still active: call_calc_42",
    },
  );
});

test('a message replayed after a resume (same messageId twice) is named', async ({ page, agentRuns }) => {
  await injectServerFault(page, 'replay-message');
  await page.goto('/');
  const turn = await agentRuns.send('hello');
  await expect(turn).toCompleteRun();
  // The client appends the replayed text to the message it already has: the user reads it twice.
  await expect(turn).toHaveRendered('partial_result');
  await expect(turn.root.locator('.answer')).toHaveText(HELLO + HELLO);
  agentRuns.expectViolations({
    code: 'agui_duplicate_message',
    message:
      /^run \S+: message \S+ started again \(first earlier in this run\): a replayed or resumed stream shows it twice$/,
  });
});

test('events out of order (TOOL_CALL_ARGS before its TOOL_CALL_START) are named', async ({ page, agentRuns }) => {
  // The real response, with the call's first TOOL_CALL_ARGS moved before its TOOL_CALL_START.
  await page.route('**/api/agui', async (route) => {
    const response = await route.fetch();
    const events = (await response.text()).split('\n\n').filter((block) => block.trim() !== '');
    const start = events.findIndex((block) => block.includes('"TOOL_CALL_START"'));
    const args = events.findIndex((block) => block.includes('"TOOL_CALL_ARGS"'));
    if (start !== -1 && args > start) events.splice(start, 0, ...events.splice(args, 1));
    await route.fulfill({ response, body: events.map((block) => `${block}\n\n`).join('') });
  });
  await page.goto('/');
  const turn = await agentRuns.send('what is 6 * 7?');
  await expect(turn).toCompleteRun({ status: 'failed' });
  await expect(turn.root.getByRole('alert')).toContainText('No active tool call found');
  agentRuns.expectViolations(
    {
      code: 'agui_out_of_order',
      message: `run ${turn.runId}: TOOL_CALL_ARGS for tool call call_calc_42 before its TOOL_CALL_START`,
    },
    {
      code: 'agui_verify',
      message: "Cannot send 'TOOL_CALL_ARGS' event: No active tool call found with ID 'call_calc_42'",
    },
  );
});

test('RUN_FINISHED after RUN_ERROR (ag-ui#1892) is named', async ({ page, agentRuns }) => {
  await injectServerFault(page, 'finish-after-error');
  await page.goto('/');
  const turn = await agentRuns.send('break the model');
  await expect(turn).toCompleteRun({ status: 'failed' });
  await expect(turn).toHaveRendered('agent_completed');
  agentRuns.expectViolations(
    {
      code: 'agui_duplicate_terminal',
      message: `run ${turn.runId}: RUN_FINISHED after RUN_ERROR; a run ends exactly once`,
    },
    {
      code: 'agui_verify',
      message: "Cannot send event type 'RUN_FINISHED': The run has already errored with 'RUN_ERROR'",
    },
  );
});
