/**
 * AgentRuns, the `agentRuns` fixture: the runs a page received, normalized by
 * the protocol adapter, page load by page load, beside what the page drew of
 * each (the recorder's commits), plus the actions a test needs: send a
 * message through the composer, find a run's turn, wait for its end, and
 * declare the violations it provokes on purpose.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { EventOf, RunEvent } from '../../protocol';
import type { AdapterResult, CapturedFrame, HarnessViolation, ProtocolAdapter } from './adapters/adapter';
import type { ToolCallCommit, TurnCommit } from './capture/commits';
import { PageCapture, type PageLoad } from './capture/page-capture';
import type { ExpectedViolation } from './checks/violation-expectations';
import type { UiMap } from './ui-map';

/** A run's turn on the page: what the matchers take. */
export interface HarnessTurn {
  runId: string;
  root: Locator;
}

/** One run as a page load saw it. */
export interface RunView {
  load: PageLoad;
  events: RunEvent[];
  /** `arrivals[i]`: when `events[i]` arrived (`performance.now()` in the page). */
  arrivals: number[];
  /** What the run's turn drew, commit by commit. */
  commits: TurnCommit[];
  /** The run's place among the load's runs: without run ids, the k-th run is drawn in the k-th turn. */
  index: number;
}

const runsByPage = new WeakMap<Page, AgentRuns>();

/** The AgentRuns of a page the harness watches; the matchers reach it through the page. */
export function agentRunsOf(page: Page): AgentRuns {
  const runs = runsByPage.get(page);
  if (!runs) throw new Error('this page is not watched by the harness: use the test from createHarness()');
  return runs;
}

export class AgentRuns {
  readonly #expected: ExpectedViolation[] = [];
  readonly #results = new WeakMap<PageLoad, { frames: number; result: AdapterResult }>();

  constructor(
    readonly page: Page,
    readonly capture: PageCapture,
    readonly protocol: ProtocolAdapter,
    readonly ui: UiMap,
  ) {
    runsByPage.set(page, this);
  }

  /** The adapter's reading of one page load (cached until more frames arrive). */
  resultOf(load: PageLoad): AdapterResult {
    const cached = this.#results.get(load);
    if (cached && cached.frames === load.frames.length) return cached.result;
    const frames = load.frames.filter((frame) => this.protocol.accepts(frame));
    const result = this.protocol.read(frames);
    this.#results.set(load, { frames: load.frames.length, result });
    return result;
  }

  /** Waits until the page has reported everything it captured so far. */
  settle(): Promise<void> {
    return PageCapture.settle(this.page);
  }

  /**
   * Run events received, in order, every page load's (a reload receives its
   * thread again), optionally of one run. It first waits for what the page
   * has captured to reach the test, so it is never behind what the page shows.
   */
  async events(runId?: string): Promise<RunEvent[]> {
    await this.settle();
    return this.eventsNow(runId);
  }

  /** Every violation found so far: the protocol's own rules and the lifecycle check, every load's. */
  async violations(): Promise<HarnessViolation[]> {
    await this.settle();
    return this.capture.loads.flatMap((load) => this.resultOf(load).violations);
  }

  /** Frames that are not valid messages of the protocol. */
  async invalid(): Promise<{ frame: CapturedFrame; reason: string }[]> {
    await this.settle();
    return this.capture.loads.flatMap((load) => this.resultOf(load).invalid);
  }

  /** `events()` as far as the page's reports have arrived, without waiting for the rest. */
  eventsNow(runId?: string): RunEvent[] {
    return this.capture.loads.flatMap((load) =>
      this.resultOf(load).events.filter((event) => runId === undefined || event.runId === runId),
    );
  }

  /**
   * Declares the violations this test provokes on purpose. After the test,
   * every violation must match one of these and each required one must occur;
   * all other checks stay on.
   */
  expectViolations(...expected: ExpectedViolation[]): void {
    this.#expected.push(...expected);
  }

  get expectedViolations(): readonly ExpectedViolation[] {
    return this.#expected;
  }

  /** Waits until the run's agent_completed has arrived, and returns it. */
  async completion(runId: string): Promise<EventOf<'agent_completed'>> {
    const find = () =>
      this.eventsNow(runId).find((event): event is EventOf<'agent_completed'> => event.type === 'agent_completed');
    await expect.poll(() => find() !== undefined, { message: `agent_completed of run ${runId}` }).toBe(true);
    return find() as EventOf<'agent_completed'>;
  }

  /** The newest load's view of a run; undefined before it arrived. */
  view(runId: string): RunView | undefined {
    for (const load of [...this.capture.loads].reverse()) {
      const { events, arrivals } = this.resultOf(load);
      const started = events.filter((event) => event.type === 'agent_started').map((event) => event.runId);
      const index = started.indexOf(runId);
      if (index === -1) continue;
      const picked = events.flatMap((event, i) => (event.runId === runId ? [i] : []));
      const nextStart =
        arrivals[events.findIndex((event) => event.type === 'agent_started' && event.runId === started[index + 1])];
      const own = load.turns.filter((commit) =>
        this.ui.runIdAttribute ? commit.runId === runId : commit.turnIndex === index,
      );
      const commits = this.ui.turnState || !this.ui.busy ? own : this.#withInferredStates(load, own, nextStart);
      return {
        load,
        events: picked.map((i) => events[i] as RunEvent),
        arrivals: picked.map((i) => arrivals[i] as number),
        commits,
        index,
      };
    }
    return undefined;
  }

  /** A run's turn: by its run id where the page shows one, else by its place among the turns. */
  turn(runId: string): HarnessTurn {
    const { ui } = this;
    if (ui.runIdAttribute) {
      return { runId, root: this.page.locator(`${ui.turn}[${ui.runIdAttribute}="${cssString(runId)}"]`) };
    }
    // Without run ids on the page, the k-th run is the k-th turn: a run not captured has no k.
    const view = this.view(runId);
    if (!view)
      throw new Error(
        `agentRuns.turn: no run ${runId} has reached this page (await agentRuns.events() lists those that have)`,
      );
    return { runId, root: this.page.locator(ui.turn).nth(view.index) };
  }

  /** Types a message into the composer, sends it, and returns the turn of the run it started. */
  async send(text: string): Promise<HarnessTurn> {
    const { composer } = this.ui;
    await this.settle();
    const before = new Set(this.#startedRuns());
    await this.page.locator(composer.input).fill(text);
    await this.page.locator(composer.send).click();
    let runId: string | undefined;
    await expect
      .poll(
        () => {
          runId = this.#startedRuns().find((id) => !before.has(id));
          return runId !== undefined;
        },
        { message: `a run to start after sending "${text}"` },
      )
      .toBe(true);
    return this.turn(runId as string);
  }

  /** Finds a call's item in a commit: by its id where the page shows one, else by call order. */
  toolOf(view: RunView, commit: TurnCommit, toolCallId: string): ToolCallCommit | undefined {
    if (this.ui.toolCallIdAttribute) return commit.tools.find((tool) => tool.id === toolCallId);
    const order = view.events
      .filter((event): event is EventOf<'tool_executing'> => event.type === 'tool_executing')
      .findIndex((event) => event.payload.toolCallId === toolCallId);
    return order === -1 ? undefined : commit.tools[order];
  }

  /**
   * A page that draws no turn state: its newest turn runs while the UI map's
   * `busy` matches, and has ended once it does not or a newer run started. A
   * change of `busy` alone draws nothing in the turn, so it adds a commit.
   */
  #withInferredStates(load: PageLoad, own: readonly TurnCommit[], nextStart: number | undefined): TurnCommit[] {
    const stateAt = (at: number): string => {
      if (nextStart !== undefined && nextStart <= at) return 'ended';
      const busy = load.page.filter((change) => change.at <= at).at(-1)?.busy ?? false;
      return busy ? 'running' : 'ended';
    };
    const points = [...own.map((commit) => commit.at), ...load.page.map((change) => change.at)];
    if (nextStart !== undefined) points.push(nextStart);
    const commits: TurnCommit[] = [];
    for (const at of [...new Set(points)].sort((a, b) => a - b)) {
      const drawn = own.filter((commit) => commit.at <= at).at(-1);
      if (!drawn) continue;
      const state = stateAt(at);
      const last = commits.at(-1);
      if (drawn.at === at || last?.state !== state) commits.push({ ...drawn, at, state });
    }
    return commits;
  }

  #startedRuns(): string[] {
    return this.capture.loads.flatMap((load) =>
      this.resultOf(load)
        .events.filter((event) => event.type === 'agent_started')
        .map((event) => event.runId),
    );
  }
}

/** A string safe inside a CSS attribute selector's double quotes. */
function cssString(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}
