/**
 * Two users at once, in two browser contexts (two cookie jars, two sessions):
 * neither ever receives or shows the other's events. Alice is the test's own
 * page, so the harness checks and reports her runs as for any test; Bob is a
 * second user from the newUser fixture.
 */
import { expect, test } from './fixtures';

test.describe('isolation', () => {
  test('never delivers or shows one user’s events to another, even at the same time', async ({
    chat,
    page,
    agentRuns,
    newUser,
  }) => {
    const alice = { page, chat, runs: agentRuns };
    const bob = await newUser();
    const [aliceTurn, bobTurn] = await Promise.all([
      alice.chat.send('/scenario slow-tool 600'),
      bob.chat.send('/scenario parallel-tools'),
    ]);
    await expect(aliceTurn.root).toHaveAttribute('data-run-state', 'completed');
    await expect(bobTurn.root).toHaveAttribute('data-run-state', 'completed');

    for (const [user, turn, other] of [
      [alice, aliceTurn, bobTurn],
      [bob, bobTurn, aliceTurn],
    ] as const) {
      expect(new Set((await user.runs.events()).map((event) => event.runId))).toEqual(new Set([turn.runId]));
      expect(await user.runs.violations()).toEqual([]);
      await expect(user.chat.log.locator('article')).toHaveCount(1);
      await expect(user.chat.turn(other.runId).root).toHaveCount(0);
    }

    // Bob cannot read Alice's thread even knowing its id.
    const aliceThread = (await alice.runs.events())[0]?.threadId ?? '';
    const answer = await bob.page.evaluate(
      (threadId) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(`ws://${location.host}/ws`);
          socket.onopen = () => socket.send(JSON.stringify({ type: 'resume', threadId, afterSeq: 0 }));
          socket.onmessage = (event) => {
            resolve(String(event.data));
            socket.close();
          };
        }),
      aliceThread,
    );
    expect(JSON.parse(answer)).toMatchObject({ type: 'error', code: 'forbidden' });
  });
});
