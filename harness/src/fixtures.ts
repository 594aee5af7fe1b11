/**
 * `createHarness({ protocol, ui })`: Playwright's `test`, extended with the
 * `agentRuns` fixture (the in-page capture and recorder, installed before the
 * page's own scripts), a check fixture run after every test (no frame off the
 * protocol, no violation the test did not declare; the frozen-UI check beside
 * it) and a report fixture (the event timeline as JSON and HTML, the render lag
 * per event type and the run events as JSONL). `attachRunReports` and
 * `checkRuns` do the same for a page a test watches itself (`watch`).
 */
import {
  test as base,
  type Page,
  type PlaywrightTestArgs,
  type PlaywrightTestOptions,
  type PlaywrightWorkerArgs,
  type PlaywrightWorkerOptions,
  type TestInfo,
  type TestType,
} from '@playwright/test';
import { formatViolations, serializeTrace } from '../../protocol';
import type { ProtocolAdapter } from './adapters/adapter';
import { PageCapture } from './capture/page-capture';
import type { FrozenCheckOptions } from './checks/frozen-check';
import { measureRenderLag, summarizeLag } from './checks/render-lag';
import { describeExpectation, matchViolations } from './checks/violation-expectations';
import { expect, type HarnessExpect, sees } from './matchers';
import { buildTimeline, renderTimelineHtml } from './report/timeline';
import { AgentRuns } from './runs';
import type { UiMap } from './ui-map';

export interface HarnessOptions {
  /** How the page's agent talks: `ourProtocol()`, `aguiProtocol()`, `aiSdkProtocol()`, or your own adapter. */
  protocol: ProtocolAdapter;
  /** Where the page draws a run. */
  ui: UiMap;
  /** The frozen-UI check after each test. @default { maxSilenceMs: 15_000 } */
  frozenCheck?: FrozenCheckOptions | false;
}

export interface HarnessFixtures {
  /** The runs the page received and what it drew of them; installed before the page's scripts. */
  agentRuns: AgentRuns;
  /** Checks every run after the test: no frame off the protocol, no violation it did not declare (auto). */
  agentChecks: undefined;
  /** Attaches the reports after the test, before the checks run, so a failing check keeps them (auto). */
  agentReport: undefined;
  /** The frozen-UI check run after each test, or false for a test that freezes the page on purpose. */
  frozenCheck: FrozenCheckOptions | false;
  /** Runs the frozen-UI check after the test (auto); gives the test nothing. */
  frozenCheckAfterTest: undefined;
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * Attaches a watched page's reports to the test: render-lag.json,
 * run-events.jsonl and event-timeline.json/.html; `label` (say, a second
 * user's name) starts each attachment's name, so two pages' reports stay apart.
 */
export async function attachRunReports(testInfo: TestInfo, runs: AgentRuns, label?: string): Promise<void> {
  await runs.settle();
  const name = (file: string) => (label ? `${label} ${file}` : file);
  const loads = runs.capture.loads.map((load) => {
    const result = runs.resultOf(load);
    const runIds = [...new Set(result.events.map((event) => event.runId))];
    const lags = runIds.flatMap((runId) => {
      const view = runs.view(runId);
      if (!view || view.load !== load) return [];
      const toolOf = (commit: Parameters<AgentRuns['toolOf']>[1], id: string) => runs.toolOf(view, commit, id);
      return measureRenderLag({ ...view, timeOrigin: load.timeOrigin, toolOf, sees: sees(runs.ui) });
    });
    return { result, lags };
  });
  const lags = loads.flatMap((load) => load.lags);
  await testInfo.attach(name('render-lag.json'), {
    body: JSON.stringify(summarizeLag(lags), null, 2),
    contentType: 'application/json',
  });
  // The run events as a recording: put it in recordings/ and `/replay <name>` plays it back.
  await testInfo.attach(name('run-events.jsonl'), {
    body: serializeTrace(await runs.events()),
    contentType: 'application/x-ndjson',
  });
  const timeline = buildTimeline(loads);
  await testInfo.attach(name('event-timeline.json'), {
    body: JSON.stringify(timeline, null, 2),
    contentType: 'application/json',
  });
  await testInfo.attach(name('event-timeline.html'), {
    body: renderTimelineHtml(label ? `${testInfo.title} (${label})` : testInfo.title, timeline),
    contentType: 'text/html',
  });
  const slowest = lags.reduce((max, lag) => Math.max(max, lag.lagMs ?? 0), 0);
  if (lags.length > 0) {
    testInfo.annotations.push({ type: name('render lag'), description: `slowest ${round(slowest)} ms` });
  }
}

/** Fails the test on a frame off the protocol, a violation it did not declare, or a declared one not found. */
export async function checkRuns(runs: AgentRuns): Promise<void> {
  const invalid = (await runs.invalid()).map(({ frame, reason }) => `${reason}: ${frame.data.slice(0, 200)}`);
  expect(invalid, `frames off the ${runs.protocol.name} protocol`).toEqual([]);
  const violations = await runs.violations();
  const { unexpected, missing } = matchViolations(violations, runs.expectedViolations);
  expect(unexpected, `lifecycle violations:\n${formatViolations(unexpected)}`).toEqual([]);
  expect(
    missing.map(describeExpectation),
    `violations the test expected but the check did not find (found:\n${formatViolations(violations)})`,
  ).toEqual([]);
}

/** What `createHarness` returns: Playwright's `test` with the harness's fixtures, its `expect`, and `watch`. */
export interface Harness {
  test: TestType<
    PlaywrightTestArgs & PlaywrightTestOptions & HarnessFixtures,
    PlaywrightWorkerArgs & PlaywrightWorkerOptions
  >;
  expect: HarnessExpect;
  /**
   * Watches another page (a second browser context, say) the same way. Its
   * checks and reports are the caller's: `checkRuns` and `attachRunReports`.
   */
  watch(page: Page): Promise<AgentRuns>;
}

export function createHarness(options: HarnessOptions): Harness {
  const test = base.extend<HarnessFixtures>({
    agentRuns: [
      async ({ page }, use) => {
        await use(new AgentRuns(page, await PageCapture.attach(page, options.ui), options.protocol, options.ui));
      },
      { auto: true },
    ],
    agentChecks: [
      async ({ agentRuns }, use, testInfo) => {
        await use(undefined);
        // A test skipped midway has nothing to answer for, not even the violations it declared first.
        if (testInfo.status !== 'skipped') await checkRuns(agentRuns);
      },
      { auto: true },
    ],
    // Depends on the checks only so it is torn down before them: the reports are attached even when a check fails.
    agentReport: [
      async ({ agentRuns, agentChecks: _checksRunAfterThis }, use, testInfo) => {
        await use(undefined);
        await attachRunReports(testInfo, agentRuns);
      },
      { auto: true },
    ],
    frozenCheck: [options.frozenCheck ?? { maxSilenceMs: 15_000 }, { option: true }],
    frozenCheckAfterTest: [
      async ({ page, frozenCheck, agentRuns }, use) => {
        await use(undefined);
        if (frozenCheck && agentRuns.capture.loads.length > 0) await expect(page).toNeverLookFrozen(frozenCheck);
      },
      { auto: true },
    ],
  });
  const watch = async (page: Page): Promise<AgentRuns> =>
    new AgentRuns(page, await PageCapture.attach(page, options.ui), options.protocol, options.ui);
  return { test, expect, watch };
}
