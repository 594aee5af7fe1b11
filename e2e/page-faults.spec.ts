/**
 * Self-test of the harness against a broken page: each test turns on one page
 * fault switch (web/src/page-faults.ts; a harness build only) so the page
 * receives every event but fails to show it, or fails a liveness promise, and
 * asserts that a standard check fails and names the defect.
 */
import { isKeepAlive, type RunEventType } from '@agent-event-harness/playwright';
import type { PageFault } from '../web/src/page-faults';
import { expect, test } from './fixtures';
import { silenceFirstSocket } from './support/socket-faults';
import { scaled } from './support/timeouts';

const eventFaults: { fault: PageFault; type: RunEventType; message: string; expected: RegExp }[] = [
  {
    fault: 'no-agent-name',
    type: 'agent_started',
    message: '/scenario basic',
    expected: /agent_started: agent name "scenario" not drawn \(shows "Agent"\)/,
  },
  {
    fault: 'no-thought-trail',
    type: 'agent_thinking',
    message: '/scenario basic',
    expected: /agent_thinking "Reading the request" never rendered/,
  },
  {
    fault: 'no-tool-args',
    type: 'tool_executing',
    message: '/scenario basic',
    expected: /tool_executing for call t-1: arguments "\{\\"expression\\":\\"6 \* 7\\"\}" not drawn \(shows ""\)/,
  },
  {
    fault: 'no-tool-progress',
    type: 'tool_progress',
    message: '/scenario slow-tool 600',
    expected:
      /tool_progress seq \d+ \(\d+%\) for call t-1: the first commit after it arrived showed no progress, not \d+%/,
  },
  {
    fault: 'no-tool-completion',
    type: 'tool_completed',
    message: '/scenario basic',
    expected: /tool_completed never rendered for call t-1 \(no "success" state drawn\)/,
  },
  {
    fault: 'drop-repeated-delta',
    type: 'partial_result',
    message: '/scenario repeated-words',
    expected: /partial_result: the answer shows "no no, yes\." but the 4 deltas join to "no no no, yes\."/,
  },
  {
    fault: 'wrong-final-state',
    type: 'agent_completed',
    message: '/scenario agent-error',
    expected: /agent_completed: status failed drawn as "completed", not "failed"/,
  },
];

test.describe('harness self-test: a page that does not draw an event', () => {
  for (const { fault, type, message, expected } of eventFaults) {
    test.describe(fault, () => {
      test.use({ pageFaults: [fault] });

      test(`fails toHaveRendered('${type}') when the page breaks it (${fault})`, async ({ chat, agentRuns }) => {
        const turn = await chat.send(message);
        await agentRuns.completion(turn.runId);
        await expect(expect(turn).toHaveRendered(type, { timeout: scaled(500) })).rejects.toThrow(expected);
      });
    });
  }
});

test.describe('harness self-test: a page that breaks a liveness promise', () => {
  // Each of these freezes the page on purpose and asserts the check says so.
  test.use({ frozenCheck: false });
  const quick = { quietAfterMs: 1_000, stuckAfterMs: 2_000, stopTimeoutMs: 1_000, stallTimeoutMs: 1_000 };

  test.describe('no-elapsed', () => {
    test.use({ pageFaults: ['no-elapsed'] });
    test('fails toNeverLookFrozen when a running turn shows no elapsed time', async ({ chat, page }) => {
      const turn = await chat.send('/scenario slow-tool 1500');
      await expect(turn).toCompleteRun();
      // The check reads the whole render history, so the time the run was waiting is judged after the fact.
      await expect(expect(page).toNeverLookFrozen({ maxSilenceMs: 5_000 })).rejects.toThrow(
        /run \S+ was waiting without showing its elapsed time/,
      );
    });
  });

  test.describe('stall-waits-for-close', () => {
    test.use({ pageFaults: ['stall-waits-for-close'] });
    test('fails toNeverLookFrozen when the stall alert waits for a close handshake', async ({
      chat,
      page,
      agentRuns,
    }) => {
      // The run goes on to its end on the server; the page never hears of it, and the harness reads the page.
      agentRuns.expectViolations({ code: 'run_not_terminated' }, { code: 'tool_not_completed', optional: true });
      let frozen = false;
      await silenceFirstSocket(page, { silent: () => frozen, answersClose: false });
      // Only the stall threshold is short: the quiet and stuck notices must not stand in for the banner here.
      // Routed sockets connect slowly on a busy machine, so it waits out the first pong.
      await chat.open({ query: { stallTimeoutMs: 2_000 } });
      const turn = await chat.send('/scenario slow-tool 6000');
      await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'running');
      frozen = true;
      const options = { maxSilenceMs: 4_000 };
      await expect(async () => expect(page).not.toNeverLookFrozen(options)).toPass();
      await expect(expect(page).toNeverLookFrozen(options)).rejects.toThrow(/run \S+ looked frozen for \d+\.\d s/);
      await expect(chat.banner).toBeHidden();
    });
  });

  test.describe('no-quiet-notice', () => {
    test.use({ pageFaults: ['no-quiet-notice', 'no-stuck-state'] });
    test('fails toNeverLookFrozen when a run without progress never says so', async ({ chat, page }) => {
      await chat.open({ query: quick });
      const turn = await chat.send('/fault hang-after=3; /scenario basic');
      const options = { maxSilenceMs: 2_500 };
      await expect(async () => expect(page).not.toNeverLookFrozen(options)).toPass();
      await expect(expect(page).toNeverLookFrozen(options)).rejects.toThrow(/run \S+ looked frozen for \d+\.\d s/);
      await chat.stop();
      await expect(turn).toCompleteRun({ status: 'cancelled' });
    });
  });

  test.describe('no-stuck-state', () => {
    test.use({ pageFaults: ['no-stuck-state'] });
    test('fails toNeverLookFrozen when a run without progress is never called stuck', async ({ chat, page }) => {
      await chat.open({ query: quick });
      const turn = await chat.send('/fault hang-after=3; /scenario basic');
      await expect(turn.liveness).toHaveText(/^Still working/);
      const options = { maxSilenceMs: 2_500, stuckWithinMs: 3_000 };
      await expect(async () => expect(page).not.toNeverLookFrozen(options)).toPass();
      await expect(expect(page).toNeverLookFrozen(options)).rejects.toThrow(
        /run \S+ made no progress for \d+\.\d s but never showed the stuck state/,
      );
      await chat.stop();
      await expect(turn).toCompleteRun({ status: 'cancelled' });
    });
  });

  test.describe('stop-never-settles', () => {
    test.use({ pageFaults: ['stop-never-settles'] });
    test('fails toCompleteRun when Stop waits for the server forever', async ({ chat, agentRuns }) => {
      agentRuns.expectViolations({ code: 'run_not_terminated' }, { code: 'tool_not_completed', optional: true });
      // No stall reconnect here: a pong late on a busy machine would resume the thread, and the resume closes the
      // run this fault left open (its events after the third were never journaled), so the page would settle.
      await chat.open({ query: { ...quick, stallTimeoutMs: 30_000 } });
      const turn = await chat.send('/fault stop-after=3; /scenario basic');
      await chat.stop();
      await expect(expect(turn).toCompleteRun({ status: 'interrupted', timeout: scaled(3_000) })).rejects.toThrow(
        /to end as "interrupted"; it is "running" \(the turn shows ".* · Stopping… · /,
      );
      await chat.newChat();
    });
  });

  test.describe('escape-ignored', () => {
    test.use({ pageFaults: ['escape-ignored'] });
    test('fails toCompleteRun when Escape does not stop a run', async ({ chat }) => {
      const turn = await chat.send('/scenario slow-stream');
      await expect(turn.answer).not.toBeEmpty();
      await chat.stop({ using: 'Escape' });
      await expect(expect(turn).toCompleteRun({ status: 'cancelled', timeout: scaled(1_500) })).rejects.toThrow(
        /to end as "cancelled"; it is "running"/,
      );
      await chat.stop();
      await expect(turn).toCompleteRun({ status: 'cancelled' });
    });
  });

  test.describe('new-chat-keeps-thread', () => {
    test.use({ pageFaults: ['new-chat-keeps-thread'] });
    test('fails newChat() when New chat keeps the old thread', async ({ chat }) => {
      const turn = await chat.send('what is 1 + 1?');
      await expect(turn).toCompleteRun();
      await expect(chat.newChat()).rejects.toThrow(/New chat left the page on its old thread/);
    });
  });

  test.describe('keepalive-in-trail', () => {
    test.use({ pageFaults: ['keepalive-in-trail'] });
    test("fails toHaveRendered('agent_thinking') when keep-alives are drawn as thoughts", async ({
      chat,
      agentRuns,
    }) => {
      const turn = await chat.send('/scenario slow-stream 4500');
      await expect.poll(async () => (await agentRuns.events(turn.runId)).filter(isKeepAlive).length).toBeGreaterThan(0);
      await agentRuns.completion(turn.runId);
      await expect(expect(turn).toHaveRendered('agent_thinking', { timeout: scaled(500) })).rejects.toThrow(
        /agent_thinking: the page shows \d+ thought\(s\) for 1 \(keep-alives are not thoughts\)/,
      );
    });
  });
});
