/**
 * Stream faults, injected at the route (tests/stream-faults.ts) into the real
 * answer of the real server: each is one a broken server or proxy sends, and
 * the harness must name it, even where the page looks fine.
 */
import { expect, test } from './harness';
import { isType, rewriteChatStream, type StreamEvent } from './stream-faults';

const violationMessages = async (runs: { violations(): Promise<{ message: string }[]> }) =>
  (await runs.violations()).map((violation) => violation.message);

test('a stream without finish: the page looks done, the harness names the run', async ({ page, agentRuns }) => {
  await rewriteChatStream(page, (events) => events.filter((event) => !isType('finish')(event)));
  agentRuns.expectViolations({
    code: 'run_not_terminated',
    message:
      /^run msg-\S+ never terminated: stream \d+ \(\/api\/chat\) ended \(\[DONE\]\) without finish, error or abort$/,
  });
  await page.goto('/');
  const turn = await agentRuns.send('hello');
  // useChat goes back to ready when the body ends, finish or not: nothing on the page gives it away.
  await expect(turn.root.locator('.text')).toHaveText(/in small pieces\.$/);
  await expect(page.locator('.status')).toBeHidden();
  await expect(page.getByRole('alert')).toBeHidden();
  await expect
    .poll(() => violationMessages(agentRuns))
    .toContainEqual(expect.stringContaining(`run ${turn.runId} never terminated`));
  await expect(expect(turn).toCompleteRun({ timeout: 2000 })).rejects.toThrow(
    `expected run ${turn.runId} to end as "completed"; it is "ended"`,
  );
});

test('a tool call that never finishes: its output is lost, the run still ends', async ({ page, agentRuns }) => {
  await rewriteChatStream(page, (events) => events.filter((event) => !isType('tool-output-available')(event)));
  agentRuns.expectViolations({
    code: 'tool_not_completed',
    message:
      /^run msg-\S+: tool call call_lookup \(lookup\) got tool-input-available but no tool-output-available or tool-output-error before finish$/,
  });
  await page.goto('/');
  const turn = await agentRuns.send('look up the ai sdk');
  await expect(turn.root.locator('.text')).toHaveText(/^From the knowledge base/);
  // The answer is there, and the tool still says it runs: a frozen tool the user cannot tell from a slow one.
  await expect(turn.root.locator('.tool .tool-state')).toHaveText('Running…');
  await expect(expect(turn).toHaveRendered('tool_completed', { timeout: 2000 })).rejects.toThrow(
    'no tool_completed event reached the page',
  );
  await expect
    .poll(() => violationMessages(agentRuns))
    .toContainEqual(expect.stringContaining('tool call call_lookup (lookup)'));
});

test('a message replayed after a resume is drawn twice, and the harness names the replay', async ({
  page,
  agentRuns,
}) => {
  // A resumable stream that replays the buffered message into the live response (vercel/ai#14688): after three
  // deltas the message starts over, same message id, same part ids, and then runs to its end.
  await rewriteChatStream(page, (events) => {
    const cut = events.findIndex(isType('text-delta')) + 3;
    const replay = events.filter((event) => event !== '[DONE]');
    return [...events.slice(0, cut), ...replay, '[DONE]'];
  });
  agentRuns.expectViolations(
    {
      code: 'duplicate_message',
      message: /starts message msg-\S+ again after streaming its parts: the stream replays the message/,
    },
    { code: 'duplicate_message', message: /text part txt-0 starts again while it is still streaming/ },
  );
  await page.goto('/');
  const turn = await agentRuns.send('hello');
  await expect(turn).toCompleteRun();
  // What the user sees: the start of the answer, then the whole answer again.
  const texts = turn.root.locator('.text');
  await expect(texts).toHaveCount(2);
  await expect(texts.nth(0)).toHaveText('Hello! I am a mock');
  await expect(texts.nth(1)).toHaveText('Hello! I am a mock model, streaming this answer in small pieces.');
  await expect
    .poll(() => violationMessages(agentRuns))
    .toContainEqual(expect.stringContaining('the page draws it twice'));
});

test('a tool output before its tool input: the page loses the output, the harness names the chunk', async ({
  page,
  agentRuns,
}) => {
  await rewriteChatStream(page, (events) => {
    const input = events.findIndex(isType('tool-input-available'));
    const output = events.findIndex(isType('tool-output-available'));
    const swapped: StreamEvent[] = [...events];
    [swapped[input], swapped[output]] = [events[output] as StreamEvent, events[input] as StreamEvent];
    return swapped;
  });
  agentRuns.expectViolations(
    {
      code: 'chunk_out_of_order',
      message:
        /^run msg-\S+: tool-output-available for tool call call_calc \(calculator\) before its tool-input-available/,
    },
    // The output came first, so after its input the call has none.
    {
      code: 'tool_not_completed',
      message: 'tool call call_calc (calculator) got tool-input-available but no tool-output-available',
    },
  );
  await page.goto('/');
  const turn = await agentRuns.send('what is 6 * 7?');
  // useChat takes the output, then the late input sets the call back to running: the answer comes, and the
  // calculator says "Running…" for good.
  await expect(turn.root.locator('.text')).toHaveText('6 * 7 = 42, says the calculator.');
  await expect(turn.root.locator('.tool .tool-state')).toHaveText('Running…');
  await expect(expect(turn).toHaveRendered('tool_completed', { timeout: 2000 })).rejects.toThrow(
    'no tool_completed event reached the page',
  );
  await expect
    .poll(() => violationMessages(agentRuns))
    .toContainEqual(expect.stringContaining('before its tool-input-available'));
});
