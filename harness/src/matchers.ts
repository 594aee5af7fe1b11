/**
 * The matchers, for any page the harness watches: they read the run events
 * the page received (normalized by the protocol adapter) and what it drew
 * (the recorder's commits and the live DOM, through the UI map), respect
 * `.not`, and say exactly what is missing, e.g. "tool_executing never rendered
 * for call t-2", or how long the page looked frozen.
 */
import {
  expect as baseExpect,
  type Expect,
  type ExpectMatcherState,
  type MatcherReturnType,
  type Page,
} from '@playwright/test';
import type { RunEventType } from '../../protocol';
import { type FrozenCheckOptions, findFrozenTurns } from './checks/frozen-check';
import { frozenCheckInput } from './checks/frozen-input';
import { measureRenderLag } from './checks/render-lag';
import { missingRenders } from './checks/rendered';
import { agentRunsOf, type HarnessTurn } from './runs';
import type { TurnState, UiMap } from './ui-map';

type FinalState = Exclude<TurnState, 'pending' | 'running'>;

/** The harness's matchers, as `expect(turn)` and `expect(page)` take them. */
export type HarnessMatchers = {
  toHaveRendered(
    this: ExpectMatcherState,
    turn: HarnessTurn,
    eventType: RunEventType,
    options?: { timeout?: number },
  ): Promise<MatcherReturnType>;
  toCompleteRun(
    this: ExpectMatcherState,
    turn: HarnessTurn,
    expected?: { status?: FinalState; timeout?: number },
  ): Promise<MatcherReturnType>;
  toRenderWithin(
    this: ExpectMatcherState,
    turn: HarnessTurn,
    ms: number,
    options?: { from?: 'arrival' | 'emit' | 'both' },
  ): Promise<MatcherReturnType>;
  toNeverLookFrozen(this: ExpectMatcherState, page: Page, options: FrozenCheckOptions): Promise<MatcherReturnType>;
};

/** Playwright's `expect`, with the harness's matchers. */
export type HarnessExpect = Expect<HarnessMatchers>;
const FINAL_STATES: readonly string[] = ['completed', 'failed', 'cancelled', 'interrupted', 'ended'];

async function pollUntil(check: () => Promise<boolean>, timeout: number): Promise<void> {
  await baseExpect
    .poll(check, { timeout })
    .toBe(true)
    .catch(() => {});
}

export const expect: HarnessExpect = baseExpect.extend<HarnessMatchers>({
  /** Every `eventType` event the page received for this run has its own visible effect drawn (now or earlier). */
  async toHaveRendered(turn: HarnessTurn, eventType: RunEventType, options: { timeout?: number } = {}) {
    const runs = agentRunsOf(turn.root.page());
    await runs.settle();
    let missing = await missingRenders(runs, turn, eventType);
    // Wait for drawing to catch up, unless negated (then the current state is the answer).
    if (!this.isNot && missing.length > 0) {
      await pollUntil(async () => {
        missing = await missingRenders(runs, turn, eventType);
        return missing.length === 0;
      }, options.timeout ?? this.timeout);
    }
    return {
      pass: missing.length === 0,
      name: 'toHaveRendered',
      message: () =>
        this.isNot
          ? `expected run ${turn.runId} not to have rendered every ${eventType}, but it did`
          : `run ${turn.runId}: ${missing.join('; ')}`,
    };
  },

  /** The run ends in `status` (default "completed"), as the page draws it. */
  async toCompleteRun(turn: HarnessTurn, expected: { status?: FinalState; timeout?: number } = {}) {
    const status = expected.status ?? 'completed';
    const runs = agentRunsOf(turn.root.page());
    const drawnState = () => runs.view(turn.runId)?.commits.at(-1)?.state ?? '';
    await pollUntil(async () => FINAL_STATES.includes(drawnState()), expected.timeout ?? this.timeout);
    let state = drawnState();
    // A page that draws no turn state ended the run; what it ended as is the run's own word.
    if (state === 'ended') {
      const ending = runs.view(turn.runId)?.events.find((event) => event.type === 'agent_completed');
      const of = { success: 'completed', failed: 'failed', cancelled: 'cancelled', interrupted: 'interrupted' };
      state = ending?.type === 'agent_completed' ? of[ending.payload.status] : 'ended';
    }
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered lines, so the message reads as the page does.
    const shown = await turn.root.innerText({ timeout: 1_000 }).catch(() => '');
    const lines = shown
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join(' · ');
    const statusText = lines.length > 240 ? `${lines.slice(0, 240)}…` : lines;
    const pass = state === status;
    return {
      pass,
      name: 'toCompleteRun',
      expected: status,
      actual: state,
      message: () =>
        `expected run ${turn.runId} ${this.isNot ? 'not ' : ''}to end as "${status}"; ` +
        `it is "${state || 'missing'}" (the turn shows "${statusText}")`,
    };
  },

  /**
   * Every event of the run was drawn within `ms`: from its arrival in the
   * page, and from the server emitting it (catches an event held back on the
   * way). `from: 'arrival'` skips the second, for replayed history or a server
   * whose clock disagrees with the browser's.
   */
  async toRenderWithin(turn: HarnessTurn, ms: number, options: { from?: 'arrival' | 'emit' | 'both' } = {}) {
    const from = options.from ?? 'both';
    const runs = agentRunsOf(turn.root.page());
    await runs.settle();
    const view = runs.view(turn.runId);
    const entries = view
      ? measureRenderLag({
          ...view,
          timeOrigin: view.load.timeOrigin,
          toolOf: (commit, id) => runs.toolOf(view, commit, id),
          sees: sees(runs.ui),
        })
      : [];
    const measures = (
      [
        ['arrival', 'lagMs', 'after it arrived'],
        ['emit', 'sinceEmitMs', 'after the server emitted it'],
      ] as const
    ).filter(([name]) => from === 'both' || from === name);
    const slow = entries.flatMap((entry) =>
      entry.lagMs === undefined
        ? [{ seq: entry.seq, text: `${entry.type} seq ${entry.seq} never drawn` }]
        : measures.flatMap(([, key, since]) => {
            const lag = entry[key];
            return lag !== undefined && lag > ms
              ? [{ seq: entry.seq, text: `${entry.type} seq ${entry.seq} drawn ${lag.toFixed(1)} ms ${since}` }]
              : [];
          }),
    );
    slow.sort((a, b) => a.seq - b.seq);
    const late = new Set(slow.map((entry) => entry.seq)).size;
    return {
      pass: entries.length > 0 && slow.length === 0,
      name: 'toRenderWithin',
      message: () =>
        entries.length === 0
          ? `run ${turn.runId}: no render lag was measured (did any event arrive?)`
          : this.isNot
            ? `expected some event of run ${turn.runId} to take over ${ms} ms to render; all were faster`
            : `run ${turn.runId}: ${late} event(s) took over ${ms} ms to render, first: ${slow
                .slice(0, 5)
                .map((entry) => entry.text)
                .join(', ')}`,
    };
  },

  /**
   * The page never looked frozen, from its load until now: every turn waiting
   * on the agent drew progress, or showed a stall indicator, at least every
   * `maxSilenceMs`; where the page shows an elapsed time it kept moving; and,
   * with `stuckWithinMs`, a turn without progress for that long said it seemed stuck.
   */
  async toNeverLookFrozen(page: Page, options: FrozenCheckOptions) {
    const problems = findFrozenTurns(await frozenCheckInput(agentRunsOf(page)), options);
    return {
      pass: problems.length === 0,
      name: 'toNeverLookFrozen',
      message: () =>
        this.isNot
          ? `expected the page to look frozen at some point (over ${options.maxSilenceMs} ms), but it never did`
          : `the page looked frozen:\n- ${problems.join('\n- ')}`,
    };
  },
});

/** What a UI map lets the harness see. */
export function sees(ui: UiMap) {
  return {
    thoughts: ui.thought !== undefined,
    toolState: ui.toolState !== undefined,
    toolProgress: ui.toolProgress !== undefined,
    turnState: ui.turnState !== undefined || ui.busy !== undefined,
    seq: ui.seqAttribute !== undefined,
    markdown: ui.answerFormat === 'markdown',
  };
}
