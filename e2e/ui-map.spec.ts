/**
 * Self-test: a UI map the page cannot read must fail with its reason, never
 * record nothing and let every check pass on an empty history.
 */
import { chatPageUi } from '@agent-event-harness/playwright';
import { expect, test } from './fixtures';

test.describe('ui map', () => {
  test('names a selector that is not CSS rather than record nothing', async ({ newUser }) => {
    // Playwright's :has-text is not CSS: querySelectorAll in the page throws on it.
    const { runs } = await newUser({ ui: { ...chatPageUi, busy: 'button:has-text("Stop")' }, checked: false });
    await expect(runs.events()).rejects.toThrow(
      /the harness stopped reading the page through its UI map: .*'button:has-text\("Stop"\)' is not a valid selector/,
    );
  });

  test('reads a page whose UI map is valid', async ({ newUser }) => {
    const { chat, runs } = await newUser({ ui: chatPageUi });
    const turn = await chat.send('hello');
    // The whole run, to its end: the fixture checks this user's page after the test as it checks the test's own.
    await expect.poll(async () => (await runs.events(turn.runId)).at(-1)?.type).toBe('agent_completed');
  });
});
