/**
 * `createHarness({ protocol, ui })`: Playwright's `test`, extended with the
 * `agentRuns` fixture (the in-page capture and recorder, installed before the
 * page's own scripts) and the checks that run after every test: no frame off
 * the protocol, no violation the test did not declare, and a page that never
 * looked frozen. Each test's report gets the event timeline (JSON and HTML),
 * the render lag per event type and the run events as JSONL.
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
  /** The frozen-UI check run after each test, or false for a test that freezes the page on purpose. */
  frozenCheck: FrozenCheckOptions | false;
  /** Runs the frozen-UI check after the test (auto); gives the test nothing. */
  frozenCheckAfterTest: undefined;
}

const round = (value: number) => Math.round(value * 10) / 10;

async function attachReports(testInfo: TestInfo, runs: AgentRuns): Promise<void> {
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
  await testInfo.attach('render-lag.json', {
    body: JSON.stringify(summarizeLag(lags), null, 2),
    contentType: 'application/json',
  });
  // The run events as a recording: put it in recordings/ and `/replay <name>` plays it back.
  await testInfo.attach('run-events.jsonl', {
    body: serializeTrace(await runs.events()),
    contentType: 'application/x-ndjson',
  });
  const timeline = buildTimeline(loads);
  await testInfo.attach('event-timeline.json', {
    body: JSON.stringify(timeline, null, 2),
    contentType: 'application/json',
  });
  await testInfo.attach('event-timeline.html', {
    body: renderTimelineHtml(testInfo.title, timeline),
    contentType: 'text/html',
  });
  const slowest = lags.reduce((max, lag) => Math.max(max, lag.lagMs ?? 0), 0);
  if (lags.length > 0) testInfo.annotations.push({ type: 'render lag', description: `slowest ${round(slowest)} ms` });
}

async function checkViolations(runs: AgentRuns): Promise<void> {
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
  /** Watches another page (a second browser context, say) the same way; it gets no automatic checks. */
  watch(page: Page): Promise<AgentRuns>;
}

export function createHarness(options: HarnessOptions): Harness {
  const test = base.extend<HarnessFixtures>({
    agentRuns: [
      async ({ page }, use, testInfo) => {
        const capture = await PageCapture.attach(page, options.ui);
        const runs = new AgentRuns(page, capture, options.protocol, options.ui);
        await use(runs);
        await runs.settle();
        await attachReports(testInfo, runs);
        await checkViolations(runs);
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
