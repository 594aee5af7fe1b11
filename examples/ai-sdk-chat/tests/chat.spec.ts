/**
 * The chat as a user sees it, checked through the harness: every event of a
 * run reaches the page and is drawn, in the page's own markup.
 */
import { expect, test } from './harness';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
});

test('a plain answer is drawn in full', async ({ page, agentRuns }) => {
  const turn = await agentRuns.send('hello');
  await expect(turn).toCompleteRun();
  for (const type of ['agent_started', 'partial_result', 'agent_completed'] as const) {
    await expect(turn).toHaveRendered(type);
  }
  await expect(turn.root.locator('.text')).toHaveText(
    'Hello! I am a mock model, streaming this answer in small pieces.',
  );
  await expect(page).toNeverLookFrozen({ maxSilenceMs: 5000 });
  expect(await agentRuns.violations()).toEqual([]);
});

test('a tool call is drawn with its name, its input and its state', async ({ page, agentRuns }) => {
  const turn = await agentRuns.send('what is 6 * 7?');
  await expect(turn).toCompleteRun();
  for (const type of ['tool_executing', 'tool_completed', 'partial_result'] as const) {
    await expect(turn).toHaveRendered(type);
  }
  const tool = turn.root.locator('.tool');
  await expect(tool.locator('.tool-name')).toHaveText('calculator');
  await expect(tool.locator('.tool-state')).toHaveText('Done');
  expect((await agentRuns.events(turn.runId)).find((event) => event.type === 'tool_executing')).toMatchObject({
    payload: { toolName: 'calculator', args: { a: 6, op: '*', b: 7 } },
  });
  await expect(turn.root.locator('.text')).toHaveText('6 * 7 = 42, says the calculator.');
  await expect(page).toNeverLookFrozen({ maxSilenceMs: 5000 });
});

test('a slow tool shows that it runs, then its result', async ({ page, agentRuns }) => {
  const turn = await agentRuns.send('look up the ai sdk');
  await expect(turn).toCompleteRun();
  await expect(turn).toHaveRendered('tool_completed');
  await expect(turn.root.locator('.tool .tool-state')).toHaveText('Done');
  // The page's every DOM commit is recorded: the call must have been drawn running before its result came
  // (the lookup takes 1.5 s), which a look at the page now cannot tell.
  const view = agentRuns.view(turn.runId);
  const resultAt = view?.arrivals[view.events.findIndex((event) => event.type === 'tool_completed')] ?? 0;
  const drawnRunning = view?.commits.filter((commit) => commit.tools[0]?.state === 'running' && commit.at < resultAt);
  expect(drawnRunning?.length, 'commits that draw the lookup running before its result').toBeGreaterThan(0);
  await expect(page).toNeverLookFrozen({ maxSilenceMs: 5000 });
});

test('a failing tool is drawn as failed, and the answer still comes', async ({ agentRuns }) => {
  const turn = await agentRuns.send('look up dragons');
  await expect(turn).toCompleteRun();
  await expect(turn).toHaveRendered('tool_completed');
  await expect(turn.root.locator('.tool.output-error .tool-error')).toHaveText('nothing is known about "dragons"');
  await expect(turn).toHaveRendered('partial_result');
});

test('reasoning is drawn as a thought', async ({ agentRuns }) => {
  const turn = await agentRuns.send('think first');
  await expect(turn).toCompleteRun();
  await expect(turn).toHaveRendered('agent_thinking');
  await expect(turn).toHaveRendered('partial_result');
});

test('a provider failure ends the run as failed and shows the error', async ({ page, agentRuns }) => {
  const turn = await agentRuns.send('provider down');
  await expect(turn).toCompleteRun({ status: 'failed' });
  await expect(page.getByRole('alert')).toContainText('Something went wrong. Please try again.');
  expect((await agentRuns.events(turn.runId)).at(-1)).toMatchObject({
    type: 'agent_completed',
    payload: { status: 'failed' },
  });
});
