/**
 * A run that is alive but makes no progress, or that the server lost, never
 * leaves the user staring at a spinner: the page says how long it has run,
 * that it is quiet, then that it seems stuck; Stop (or Escape) always ends it;
 * New chat always gets the user out.
 */
import { isKeepAlive } from '@agent-event-harness/playwright';
import { LOST_RUN_MESSAGE } from '../web/src/state';
import { expect, skipUnless, test } from './fixtures';
import { scaled } from './support/timeouts';

/** Short thresholds, so each state is reached in a second or two. */
const FAST_LIVENESS = { quietAfterMs: 1_000, stuckAfterMs: 2_500, stopTimeoutMs: 2_000 };

test.describe('liveness', () => {
  // Some of these start a server of their own.
  test.describe.configure({ timeout: scaled(60_000) });

  test('shows how long a run has been going while it runs, and not after', async ({ chat, renderHistory }) => {
    const turn = await chat.send('/scenario slow-tool 3000');
    await expect(turn.elapsed).toHaveText(/^Running for \d+ s$/);
    await expect(turn).toCompleteRun();
    await expect(turn.elapsed).toBeHidden();
    // Read from the render history, not caught on screen: each second was drawn, in order.
    const drawn = [...new Set((await renderHistory.of(turn.runId)).commits.map((commit) => commit.elapsed))];
    expect(drawn.filter(Boolean).slice(0, 3)).toEqual(['Running for 0 s', 'Running for 1 s', 'Running for 2 s']);
  });

  test('says a run that only sends keep-alives is quiet, then stuck, and lets Stop end it', async ({
    chat,
    agentRuns,
    renderHistory,
    page,
  }) => {
    await chat.open({ query: FAST_LIVENESS });
    // A real agent that stops emitting after three events; the runtime keeps it alive with keep-alives.
    const turn = await chat.send('/fault hang-after=3; /scenario basic');
    await expect(turn.liveness).toHaveText(/^This run seems stuck: no progress for over 2 s\. Stop it/);
    // The quiet notice came first; the render history proves it was drawn, however briefly.
    const notices = (await renderHistory.of(turn.runId)).commits.map((commit) => commit.notice).filter(Boolean);
    expect(notices[0]).toMatch(/^Still working, \d s without progress$/);
    await expect(turn.root.getByRole('alert')).toContainText('This run seems stuck');
    await expect(turn.root).toHaveAttribute('data-liveness', 'stuck');
    await expect.poll(async () => (await agentRuns.events(turn.runId)).filter(isKeepAlive).length).toBeGreaterThan(0);
    await expect(page).toNeverLookFrozen({ maxSilenceMs: 2_000, stuckWithinMs: 3_500 });

    await expect(chat.stopButton).toBeEnabled();
    await chat.stop();
    await expect(turn).toCompleteRun({ status: 'cancelled' });
    await expect(turn.liveness).toBeHidden();
    await expect(chat.sendButton).toBeEnabled();
    await expect(turn).toHaveRendered('agent_thinking');
  });

  test('says a silent run is stuck without dropping a healthy connection', async ({
    chat,
    agentRuns,
    renderHistory,
    page,
    capabilities,
  }) => {
    skipUnless(capabilities, 'serverFaults', 'scenarios');
    // The run goes on but the server sends nothing of it: the socket is fine, the run is not.
    agentRuns.expectViolations({ code: 'run_not_terminated' }, { code: 'tool_not_completed', optional: true });
    // A stall threshold a busy machine's pong round trip stays well within: no reconnect is the point.
    await chat.open({ query: { ...FAST_LIVENESS, stallTimeoutMs: 3_000 } });
    const sockets: unknown[] = [];
    page.on('websocket', (socket) => sockets.push(socket));
    const turn = await chat.send('/fault stop-after=3; /scenario slow-tool 20000');
    await expect(turn.liveness).toHaveText(/^This run seems stuck/);
    await expect(page).toNeverLookFrozen({ maxSilenceMs: 2_000, stuckWithinMs: 3_500 });
    // Pings answered by pongs kept the socket: no reconnect, no banner flashing by.
    expect(sockets).toHaveLength(0);
    expect(await renderHistory.banner()).toEqual(['Connecting…', '']);

    // The server cancels the run, but the fault swallows its end too: the Stop bound ends it on the page.
    await chat.stop();
    await expect(turn).toCompleteRun({ status: 'interrupted' });
    await expect(turn.status).toHaveText(/^Interrupted: the server did not confirm the stop within 2 s/);
    await expect(turn.toolCall('t-1')).toHaveAttribute('data-state', 'error');
    await expect(chat.sendButton).toBeEnabled();
  });

  test('ends a run the server no longer runs when Stop is answered with not_found', async ({
    chat,
    agentRuns,
    appServer,
    page,
  }) => {
    // In staging mode this skips: the test needs a server of its own.
    const server = await appServer({ env: { AGENT_FAULTS: '1' } });
    // The run finishes on the server, but its end never reaches the page.
    agentRuns.expectViolations({ code: 'run_not_terminated' }, { code: 'tool_not_completed', optional: true });
    await chat.open({ base: server.url });
    const turn = await chat.send('/fault stop-after=3; /scenario basic');
    await expect.poll(() => server.activeRuns()).toBe(0);
    await expect(turn.root).toHaveAttribute('data-run-state', 'running');
    await chat.stop();
    await expect(turn).toCompleteRun({ status: 'interrupted' });
    await expect(turn.status).toHaveText(`Interrupted: ${LOST_RUN_MESSAGE}`);
    await expect(chat.sendButton).toBeEnabled();
    await expect(chat.stopButton).toBeHidden();
    // A readable end in the turn, not a raw server error beside the composer.
    await expect(page.locator('.global-error')).toHaveCount(0);
  });

  test('shows a run the server lost as ended after a reload, not running', async ({
    chat,
    agentRuns,
    appServer,
    page,
  }) => {
    // In staging mode this skips: the test needs a server of its own.
    const server = await appServer({ env: { AGENT_FAULTS: '1' } });
    agentRuns.expectViolations(
      { code: 'run_not_terminated' },
      { code: 'tool_not_completed', optional: true },
      // After the reload the server closes the lost run; the events the fault swallowed stay a gap.
      { code: 'seq_gap' },
    );
    await chat.open({ base: server.url });
    const turn = await chat.send('/fault stop-after=3; /scenario basic');
    await expect.poll(() => server.activeRuns()).toBe(0);
    expect(await agentRuns.events(turn.runId)).toHaveLength(3);
    await page.reload();
    const restored = chat.turn(turn.runId);
    await expect(restored).toCompleteRun({ status: 'interrupted' });
    await expect(restored.status).toHaveText(/^Interrupted: /);
    await expect(chat.sendButton).toBeEnabled();
  });

  test('stops a run with Escape', async ({ chat }) => {
    const turn = await chat.send('/scenario slow-stream');
    await expect(turn.root).toHaveAttribute('data-run-state', 'running');
    await chat.stop({ using: 'Escape' });
    await expect(turn).toCompleteRun({ status: 'cancelled' });
  });

  test('starts a new chat in a fresh thread, even while a run seems stuck', async ({
    chat,
    agentRuns,
    capabilities,
  }) => {
    skipUnless(capabilities, 'serverFaults', 'scenarios');
    agentRuns.expectViolations({ code: 'run_not_terminated' }, { code: 'tool_not_completed', optional: true });
    const stuck = await chat.send('/fault stop-after=3; /scenario slow-tool 20000');
    await expect(stuck.root).toHaveAttribute('data-run-state', 'running');
    await chat.newChat();
    const fresh = await chat.send('what is 2 + 3?');
    await expect(fresh).toCompleteRun();
    await expect(fresh.answer).toHaveText('2 + 3 = 5');
    const threadOf = async (runId: string) => (await agentRuns.events(runId))[0]?.threadId;
    expect(await threadOf(fresh.runId)).toBeDefined();
    expect(await threadOf(fresh.runId)).not.toBe(await threadOf(stuck.runId));
  });

  test('never draws keep-alives as thoughts', async ({ chat, agentRuns }) => {
    // The scenario holds the run open after streaming: the runtime sends keep-alives every 2 s meanwhile.
    const turn = await chat.send('/scenario slow-stream 5000');
    await expect.poll(async () => (await agentRuns.events(turn.runId)).filter(isKeepAlive).length).toBeGreaterThan(0);
    await expect(turn).toCompleteRun();
    const thoughts = (await agentRuns.events(turn.runId)).filter((e) => e.type === 'agent_thinking' && !isKeepAlive(e));
    await expect(turn.thoughts).toHaveCount(thoughts.length);
    await expect(turn).toHaveRendered('agent_thinking');
  });
});
