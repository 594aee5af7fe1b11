/**
 * The page as its users see it, checked against what the agent streamed: a
 * plain answer, a tool call (and a slow one), the model's reasoning, a failed
 * run, and Stop. Every test also gets the harness's after-test checks: every
 * frame valid AG-UI, no violation, a page that never looked frozen.
 */
import { expect, test } from './harness';

const HELLO = 'Hello! I can do arithmetic with my calculator and look topics up in a small knowledge base.';

test('a plain answer streams in and is drawn in full', async ({ page, agentRuns }) => {
  await page.goto('/');
  const turn = await agentRuns.send('hello');
  await expect(turn).toCompleteRun();
  await expect(turn).toHaveRendered('agent_started');
  await expect(turn).toHaveRendered('partial_result');
  await expect(turn).toHaveRendered('agent_completed');
  await expect(turn).toRenderWithin(1000, { from: 'arrival' });
  await expect(turn.root.locator('.answer')).toHaveText(HELLO);
  const types = (await agentRuns.events(turn.runId)).map((event) => event.type);
  expect(types[0]).toBe('agent_started');
  expect(types.filter((type) => type === 'partial_result').length).toBeGreaterThan(5);
  expect(types.at(-1)).toBe('agent_completed');
  await expect(page).toNeverLookFrozen({ maxSilenceMs: 5000 });
  expect(await agentRuns.violations()).toEqual([]);
});

test('a tool call is drawn with its name, arguments and state, then the answer', async ({ page, agentRuns }) => {
  await page.goto('/');
  const turn = await agentRuns.send('what is 6 * 7?');
  await expect(turn).toCompleteRun();
  await expect(turn).toHaveRendered('tool_executing');
  await expect(turn).toHaveRendered('tool_completed');
  await expect(turn).toHaveRendered('partial_result');
  const call = turn.root.locator('.tool-call');
  await expect(call.locator('.tool-name')).toHaveText('calculator');
  await expect(call.locator('.tool-status')).toHaveText('done');
  await expect(turn.root.locator('.answer')).toHaveText('The calculator says 6 * 7 = 42.');
  const completed = (await agentRuns.events(turn.runId)).find((event) => event.type === 'tool_completed');
  expect(completed?.payload).toMatchObject({ toolName: 'calculator', status: 'success' });
  await expect(page).toNeverLookFrozen({ maxSilenceMs: 5000 });
});

test('a slow tool shows as running until its result arrives', async ({ page, agentRuns }) => {
  await page.goto('/');
  const turn = await agentRuns.send('look up ag-ui');
  const call = turn.root.locator('.tool-call');
  await expect(call.locator('.tool-status')).toHaveText('running');
  await expect(turn.root.locator('.status')).toHaveText('Running lookup…');
  await expect(call.locator('.tool-status')).toHaveText('done');
  await expect(turn).toCompleteRun();
  await expect(turn).toHaveRendered('tool_executing');
  await expect(turn).toHaveRendered('tool_completed');
  await expect(page).toNeverLookFrozen({ maxSilenceMs: 5000 });
});

test("the model's reasoning is drawn as a thought", async ({ page, agentRuns }) => {
  await page.goto('/');
  const turn = await agentRuns.send('think first');
  await expect(turn).toCompleteRun();
  await expect(turn).toHaveRendered('agent_thinking');
  await expect(turn).toHaveRendered('partial_result');
  const thoughts = (await agentRuns.events(turn.runId)).filter((event) => event.type === 'agent_thinking');
  expect(thoughts).toHaveLength(1);
});

test('a model failure ends the run as failed, with the reason shown', async ({ page, agentRuns }) => {
  await page.goto('/');
  const turn = await agentRuns.send('break the model');
  await expect(turn).toCompleteRun({ status: 'failed' });
  await expect(turn).toHaveRendered('agent_completed');
  await expect(turn.root.getByRole('alert')).toContainText('The model is not available for this request.');
});

test('a second message sends the whole thread and gets its own turn', async ({ page, agentRuns }) => {
  await page.goto('/');
  const first = await agentRuns.send('hello');
  await expect(first).toCompleteRun();
  const second = await agentRuns.send('what is 6 * 7?');
  await expect(second).toCompleteRun();
  await expect(second).toHaveRendered('tool_completed');
  await expect(second).toHaveRendered('partial_result');
  await expect(page.locator('.message.assistant')).toHaveCount(2);
});

test('Stop aborts the run; the stream then has no terminal event, which the harness names', async ({
  page,
  agentRuns,
}) => {
  await page.goto('/');
  const turn = await agentRuns.send('look up ag-ui');
  await expect(turn.root.locator('.tool-call .tool-status')).toHaveText('running');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(turn).toCompleteRun({ status: 'cancelled' });
  await expect(turn.root.getByRole('alert')).toHaveText('Stopped.');
  // AG-UI ends an aborted run in the client (a RUN_ERROR it makes up, code "abort"); the wire just stops.
  agentRuns.expectViolations(
    { code: 'agui_run_not_terminated', message: `run ${turn.runId} never terminated` },
    { code: 'agui_tool_call_without_result', message: 'has no TOOL_CALL_RESULT before its stream ended' },
  );
});
