/**
 * Compiled by `npm run test:pack` in the scratch project, under NodeNext
 * resolution and with library checks on; never run. The packed types must
 * reach an outside consumer whole: each `@ts-expect-error` below compiles
 * only while the types are real, so types that fell back to `any` fail it.
 */
import {
  type AI_SDK_VIOLATION_CODES,
  aiSdkProtocol,
  chatPageUi,
  createHarness,
  type Harness,
  type RunEvent,
} from '@agent-event-harness/playwright';

const harness: Harness = createHarness({ protocol: aiSdkProtocol({ clientTools: ['confirm'] }), ui: chatPageUi });
const code: (typeof AI_SDK_VIOLATION_CODES)[number] = 'run_not_terminated';

harness.test('the packed types reach the consumer', async ({ page, agentRuns }) => {
  const events: RunEvent[] = await agentRuns.events();
  const turn = await agentRuns.send('hello');
  await harness.expect(turn).toHaveRendered('tool_completed');
  await harness.expect(page).toNeverLookFrozen({ maxSilenceMs: 1_000 });
  agentRuns.expectViolations({ code });
  // @ts-expect-error: no such matcher
  await harness.expect(turn).toLookFine();
  // @ts-expect-error: run events are objects
  const count: number = events;
  return count;
});
