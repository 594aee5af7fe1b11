/**
 * Replay: recorded runs (recordings/*.jsonl, from `npm run record`) played
 * back by the server's replay agent must render like the original run did.
 */
import { readFileSync } from 'node:fs';
import { parseTrace, type RunEvent } from '@agent-event-harness/playwright';
import { expect, test } from './fixtures';

const recording = (name: string): RunEvent[] =>
  parseTrace(readFileSync(new URL(`../recordings/${name}.jsonl`, import.meta.url), 'utf8'), `${name}.jsonl`);

test.describe('replay', () => {
  test('renders a recorded default-agent run as it was recorded', async ({ chat, agentRuns }) => {
    const recorded = recording('calculator');
    const turn = await chat.send('/replay calculator');
    await expect(turn).toCompleteRun();
    for (const type of new Set(recorded.map((event) => event.type))) await expect(turn).toHaveRendered(type);
    const answer = recorded.at(-1)?.payload;
    expect(answer).toMatchObject({ status: 'success' });
    await expect(turn.answer).toHaveText((answer as { text: string }).text);
    const sent = (await agentRuns.events(turn.runId)).map((event) => event.type);
    expect(sent).toEqual(recorded.map((event) => event.type));
  });

  test('renders parallel tools with their recorded outcomes at twice the speed', async ({ chat }) => {
    const recorded = recording('parallel-tools');
    const tools = recorded.filter((event) => event.type === 'tool_completed');
    const turn = await chat.send('/replay parallel-tools scale=0.5');
    await expect(turn).toCompleteRun();
    await expect(turn.toolCalls).toHaveCount(tools.length);
    for (const tool of tools)
      await expect(turn.toolCall(tool.payload.toolCallId)).toHaveAttribute('data-state', tool.payload.status);
    for (const type of ['tool_executing', 'tool_progress', 'tool_completed'] as const) {
      await expect(turn).toHaveRendered(type);
    }
  });

  test('fails the run visibly when the recording does not exist', async ({ chat }) => {
    const turn = await chat.send('/replay no-such-recording');
    await expect(turn).toCompleteRun({ status: 'failed' });
    await expect(turn.status).toContainText('no recording "no-such-recording"');
  });
});
