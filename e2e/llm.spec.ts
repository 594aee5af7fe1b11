/**
 * A real LLM agent behind the page: the `llm` agent streams from a real
 * OpenAI-compatible mock server process (aimock, scripted by
 * server/agents/llm/mock-fixtures.json). Each scripted run is checked on the
 * wire (the lifecycle check after every test) and in the page; a provider
 * fault ends in a clear failure, never an endless spinner.
 */
import { type EventOf, isKeepAlive } from '@agent-event-harness/playwright';
import { expect } from './fixtures';
import { llmTest as test } from './fixtures/llm-fixtures';
import { scaled } from './support/timeouts';

test.describe('llm agent', () => {
  test.skip(({ capabilities }) => capabilities.staging, 'these tests run their own server and mock model provider');
  // One server and one mock per worker; a run waits on real streams and, for the faults, on retries and timeouts.
  test.describe.configure({ timeout: scaled(60_000) });

  test.beforeEach(async ({ chat, llmApp }) => {
    await chat.open({ base: llmApp.server.url });
  });

  test('streams a plain answer from the model', async ({ chat, agentRuns }) => {
    const turn = await chat.send('llm plain');
    await expect(turn).toCompleteRun();
    for (const type of ['agent_started', 'agent_thinking', 'partial_result', 'agent_completed'] as const) {
      await expect(turn).toHaveRendered(type);
    }
    const deltas = (await agentRuns.events(turn.runId)).filter((event) => event.type === 'partial_result');
    expect(deltas.length).toBeGreaterThan(1);
    await expect(turn.root.locator('.agent-name')).toHaveText('llm');
  });

  test('runs the tool the model calls and answers with its result', async ({ chat }) => {
    const turn = await chat.send('llm one tool');
    await expect(turn).toCompleteRun();
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'success');
    await expect(turn.toolCall('t-1')).toContainText('calculator');
    await expect(turn.answer).toContainText('42');
    for (const type of ['tool_executing', 'tool_completed', 'partial_result'] as const) {
      await expect(turn).toHaveRendered(type);
    }
  });

  test('runs parallel tool calls and shows each finishing, out of order', async ({ chat, agentRuns }) => {
    const turn = await chat.send('llm parallel');
    await expect(turn).toCompleteRun();
    await expect(turn.toolCalls).toHaveCount(3);
    for (const id of ['t-1', 't-2', 't-3']) await expect(turn.toolCall(id)).toHaveAttribute('data-state', 'success');
    const finished = (await agentRuns.events(turn.runId))
      .filter((event): event is EventOf<'tool_completed'> => event.type === 'tool_completed')
      .map((event) => event.payload.toolCallId);
    // The 600 ms sleep (t-1) finishes last although the model asked for it first.
    expect(finished.at(-1)).toBe('t-1');
    await expect(turn).toHaveRendered('tool_completed');
  });

  test('assembles tool arguments that arrive in many fragments', async ({ chat, agentRuns }) => {
    const turn = await chat.send('llm fragments');
    await expect(turn).toCompleteRun();
    const call = (await agentRuns.events(turn.runId)).find((event) => event.type === 'tool_executing');
    expect(call?.type === 'tool_executing' && call.payload.args).toEqual(expect.any(Object));
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'success');
    await expect(turn).toHaveRendered('tool_executing');
  });

  test('ends a stream cut mid-answer as a clear failure, keeping the text that arrived', async ({ chat }) => {
    const turn = await chat.send('llm truncated');
    await expect(turn).toCompleteRun({ status: 'failed' });
    await expect(turn.status).toHaveText(/^Failed: .*cut off/);
    await expect(turn.answer).not.toBeEmpty();
    await expect(chat.sendButton).toBeEnabled();
  });

  test('ends a stream cut in the middle of a tool call as a clear failure', async ({ chat }) => {
    const turn = await chat.send('llm tool cut');
    await expect(turn).toCompleteRun({ status: 'failed' });
    await expect(turn.status).toHaveText(/^Failed: .*tool call/);
    await expect(chat.sendButton).toBeEnabled();
  });

  test('retries a 429 after its Retry-After, says so, and answers', async ({ chat, agentRuns }) => {
    const turn = await chat.send('llm rate limited');
    await expect(turn).toCompleteRun();
    await expect(turn.thoughts.filter({ hasText: '429' })).toHaveCount(1);
    await expect(turn).toHaveRendered('agent_thinking');
    expect((await agentRuns.events(turn.runId)).some((event) => event.type === 'partial_result')).toBe(true);
  });

  test('fails a run whose provider goes silent, instead of spinning', async ({ chat, agentRuns }) => {
    const turn = await chat.send('llm silent');
    await expect(turn).toCompleteRun({ status: 'failed' });
    await expect(turn.status).toHaveText(/^Failed: .*went silent/);
    // Keep-alives kept the page informed while it waited; none of them counted as progress.
    expect((await agentRuns.events(turn.runId)).filter((event) => !isKeepAlive(event)).at(-1)?.type).toBe(
      'agent_completed',
    );
    await expect(chat.sendButton).toBeEnabled();
  });
});
