/**
 * Each run event, proven twice: the frames on the wire (through the shared
 * lifecycle checker, run by the agentRuns fixture after every test) and what
 * the page visibly renders.
 */
import type { EventOf } from '@agent-event-harness/playwright';
import { formatDuration } from '../web/src/format';
import { expect, test } from './fixtures';
import { scaled } from './support/timeouts';

const critical = { tag: '@mission-critical' };

test.describe('agent_thinking', () => {
  test(
    'shows each thought in the trail, the current one in the status line, then the completion status',
    critical,
    async ({ chat, agentRuns, renderHistory }) => {
      const turn = await chat.send('/scenario long-thinking 400');

      const completed = await agentRuns.completion(turn.runId);
      const finalStatus = `Completed in ${formatDuration(completed.payload.durationMs)}`;
      await expect(turn.status).toHaveText(finalStatus);
      await expect(turn.root).toHaveAttribute('data-run-state', 'completed');

      const thoughts = (await agentRuns.events(turn.runId)).filter((event) => event.type === 'agent_thinking');
      expect(thoughts).toHaveLength(4);
      await expect(turn.thoughts).toHaveText(
        thoughts.map(({ payload }) => `${payload.step}/${payload.totalSteps} ${payload.thought}`),
      );
      // The status line showed thoughts in order while running (the page may merge two within one frame).
      const shown = thoughts.map(
        ({ payload }) => `Thinking (${payload.step}/${payload.totalSteps}): ${payload.thought}`,
      );
      const { statuses } = await renderHistory.of(turn.runId);
      const drawn = statuses.filter((status) => status.startsWith('Thinking')).map((status) => shown.indexOf(status));
      expect(drawn.length).toBeGreaterThan(0);
      expect(drawn).not.toContain(-1);
      expect(drawn).toEqual([...new Set(drawn)].sort((a, b) => a - b));
      expect(statuses.at(-1)).toBe(finalStatus);
    },
  );

  test('keeps every thought in the trail when several arrive within one frame', async ({ chat, agentRuns }) => {
    // No pause between thoughts: the status line can only show the last of a frame, the trail shows all.
    const turn = await chat.send('/scenario long-thinking 0');
    await expect(turn).toCompleteRun();
    await expect(turn).toHaveRendered('agent_thinking');
    const thoughts = (await agentRuns.events(turn.runId)).filter((event) => event.type === 'agent_thinking');
    await expect(turn.thoughts).toHaveCount(thoughts.length);
  });
});

test.describe('tool_executing / tool_completed', () => {
  test(
    'moves a tool call from running to success, showing its progress and duration',
    critical,
    async ({ chat, agentRuns, renderHistory }) => {
      // Long enough that only a renderer frozen for 1.5 s could draw running and success in one frame.
      const turn = await chat.send('/scenario slow-tool 1500');
      const call = turn.toolCall('t-1');
      await expect(call).toContainText('sleep');
      await expect(call).toHaveAttribute('data-state', 'success');

      const events = await agentRuns.events(turn.runId);
      const done = events.find((event): event is EventOf<'tool_completed'> => event.type === 'tool_completed');
      expect(done?.payload).toMatchObject({ toolCallId: 't-1', toolName: 'sleep', status: 'success' });
      await expect(call).toContainText(formatDuration(done?.payload.durationMs ?? -1));
      await expect(turn.root).toHaveAttribute('data-run-state', 'completed');

      const progressFrames = events.filter((event) => event.type === 'tool_progress');
      expect(progressFrames.length).toBeGreaterThan(0);
      const { toolStates, toolProgress } = await renderHistory.of(turn.runId);
      expect(toolStates['t-1']).toEqual(['running', 'success']);
      // The bar was drawn while running and only moved forward.
      const drawn = toolProgress['t-1'] ?? [];
      expect(drawn.length).toBeGreaterThan(0);
      expect(drawn).toEqual([...drawn].sort((x, y) => x - y));
    },
  );

  test('renders a failing tool as an error and still completes the run', critical, async ({ chat, agentRuns }) => {
    const turn = await chat.send('/scenario tool-error');
    const call = turn.toolCall('t-1');
    await expect(call).toHaveAttribute('data-state', 'error');
    await expect(call).toContainText('upstream service unavailable');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');

    const completed = await agentRuns.completion(turn.runId);
    expect(completed.payload.status).toBe('success');
    const toolDone = (await agentRuns.events(turn.runId)).find((event) => event.type === 'tool_completed');
    expect(toolDone?.payload).toMatchObject({ status: 'error', error: 'upstream service unavailable' });
  });

  test('runs parallel tools and shows each one finishing, in any order', async ({ chat, agentRuns }) => {
    const turn = await chat.send('/scenario parallel-tools');
    await expect(turn.toolCalls).toHaveCount(3);
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    for (const id of ['t-1', 't-2', 't-3']) await expect(turn.toolCall(id)).toHaveAttribute('data-state', 'success');

    const finishOrder = (await agentRuns.events(turn.runId))
      .filter((event) => event.type === 'tool_completed')
      .map((event) => event.payload.toolCallId);
    // The 200 ms sleep (t-2) overtakes the 600 ms one (t-1): completion order differs from start order.
    expect(finishOrder.indexOf('t-2')).toBeLessThan(finishOrder.indexOf('t-1'));
  });
});

test.describe('partial_result', () => {
  test(
    'streams text into the turn before the run completes, and keeps it when stopped',
    critical,
    async ({ chat, agentRuns }) => {
      const sentence = 'Streaming one word at a time so you can watch it grow.';
      const turn = await chat.send('/scenario slow-stream');
      await expect(turn.answer).toHaveText(sentence);
      // The scenario holds the run open after streaming, so this state is stable, not a race.
      await expect(turn.root).toHaveAttribute('data-run-state', 'running');
      expect((await agentRuns.events(turn.runId)).some((event) => event.type === 'agent_completed')).toBe(false);
      expect((await agentRuns.events(turn.runId)).filter((event) => event.type === 'partial_result').length).toBe(12);

      await chat.stop();
      await expect(turn.root).toHaveAttribute('data-run-state', 'cancelled');
      await expect(turn.status).toHaveText(/^Cancelled after /);
      await expect(turn.answer).toHaveText(sentence);
      expect((await agentRuns.completion(turn.runId)).payload.status).toBe('cancelled');
    },
  );

  test('renders a 5,000-event burst completely, batching DOM work', async ({ chat, agentRuns, page }) => {
    const turn = await chat.send('/scenario burst 5000');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed', { timeout: scaled(30_000) });

    const deltas = (await agentRuns.events(turn.runId)).filter((event) => event.type === 'partial_result');
    expect(deltas).toHaveLength(5000);
    const expected = deltas.map((event) => event.payload.delta).join('');
    // One markdown paragraph: its trailing space may or may not be drawn.
    expect((await turn.answer.textContent())?.trimEnd()).toBe(expected.trimEnd());
    await expect(turn).toHaveRendered('partial_result');

    // Responsiveness comes from one DOM commit per frame, not one per event.
    const stats = await page.evaluate(() => window.__chatHarness?.stats());
    expect(stats?.framesReceived).toBeGreaterThanOrEqual(5000);
    expect(stats?.renders).toBeLessThan(500);
    await expect(chat.composer).toBeEditable();
  });
});

test.describe('agent_completed', () => {
  test('re-enables the composer when the run completes', critical, async ({ chat, renderHistory }) => {
    const turn = await chat.send('/scenario slow-tool 500');
    await expect(turn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(chat.sendButton).toBeEnabled();
    await expect(chat.stopButton).toBeHidden();
    await expect(chat.composer).toBeEditable();
    // While the run was active, Send was disabled and Stop offered; then the composer came back.
    const states = await renderHistory.composer();
    const history = `composer states: ${states.join(' → ')}`;
    const running = states.indexOf('send=disabled stop=enabled');
    expect(states.slice(0, Math.max(running, 0)), history).toContain('send=enabled stop=hidden');
    const afterStart = states.slice(running);
    const reenabled = afterStart.indexOf('send=enabled stop=hidden');
    expect(running, history).toBeGreaterThan(0);
    expect(reenabled, history).toBeGreaterThan(0);
    expect(
      afterStart.slice(0, reenabled).filter((state) => !state.startsWith('send=disabled')),
      history,
    ).toEqual([]);
    expect(states.at(-1), history).toBe('send=enabled stop=hidden');
  });

  test('shows a failed run with its error and the text streamed before the failure', async ({ chat, agentRuns }) => {
    const turn = await chat.send('/scenario agent-error');
    await expect(turn.root).toHaveAttribute('data-run-state', 'failed');
    await expect(turn.status).toHaveText('Failed: the model provider returned an error');
    await expect(turn.answer).toHaveText('Partial answer before the failure.');
    expect((await agentRuns.completion(turn.runId)).payload.status).toBe('failed');
  });
});

test.describe('default agent', () => {
  // Needs no scenarios, so it also runs against a deployment (staging mode, BASE_URL).
  test('renders every event of a default-agent run', critical, async ({ chat, agentRuns }) => {
    const turn = await chat.send('what is 12 * (3 + 4)?');
    await expect(turn).toCompleteRun();
    for (const type of [
      'agent_started',
      'tool_executing',
      'tool_completed',
      'partial_result',
      'agent_completed',
    ] as const) {
      await expect(turn).toHaveRendered(type);
    }
    await expect(turn.answer).toHaveText('12 * (3 + 4) = 84');
    expect((await agentRuns.events(turn.runId)).some((event) => event.type === 'agent_thinking')).toBe(true);
  });

  test('answers arithmetic with the calculator tool and continues the thread', async ({ chat, agentRuns }) => {
    const first = await chat.send('what is 12 * (3 + 4)?');
    await expect(first.toolCall('t-1')).toContainText('calculator');
    await expect(first.toolCall('t-1')).toHaveAttribute('data-state', 'success');
    await expect(first.answer).toHaveText('12 * (3 + 4) = 84');
    await expect(first.root).toHaveAttribute('data-run-state', 'completed');

    const second = await chat.send('how do I run the tests?');
    await expect(second.toolCall('t-1')).toContainText('docs_search');
    await expect(second.root).toHaveAttribute('data-run-state', 'completed');
    await expect(second.answer).toContainText('From the project docs');
    const threads = new Set((await agentRuns.events()).map((event) => event.threadId));
    expect(threads.size).toBe(1);
  });
});
