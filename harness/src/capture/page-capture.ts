/**
 * The test's side of the capture: it installs the in-page script before the
 * page's own, and keeps what the page reports, page load by page load (a
 * reload starts a new load: the page draws its thread again from the start).
 */
import type { Page } from '@playwright/test';
import type { CapturedFrame } from '../adapters/adapter';
import type { UiMap } from '../ui-map';
import type { PageCommit, TurnCommit } from './commits';
import { type CaptureMessage, installAgentCapture } from './init-script';

/** The binding the page reports through. */
const BINDING = '__agentHarnessReport';

export interface PageLoad {
  /** 0 for the first load of the test, then 1, 2… */
  index: number;
  /** `performance.timeOrigin` of the load: its `at` times plus this are epoch milliseconds. */
  timeOrigin: number;
  frames: CapturedFrame[];
  turns: TurnCommit[];
  page: PageCommit[];
}

export class PageCapture {
  readonly loads: PageLoad[] = [];
  readonly #byId = new Map<string, PageLoad>();

  private constructor() {}

  static async attach(page: Page, ui: UiMap): Promise<PageCapture> {
    const capture = new PageCapture();
    await page.exposeBinding(BINDING, (_source, batch: CaptureMessage[]) => {
      for (const message of batch) capture.#accept(message);
    });
    await page.addInitScript(installAgentCapture, { ui, binding: BINDING });
    return capture;
  }

  /** Waits until the page has reported everything it captured so far (a closed page has nothing more to say). */
  static async settle(page: Page): Promise<void> {
    const failure = await page
      .evaluate(async (name) => {
        const settle = (window as unknown as Record<string, unknown>)[name];
        return typeof settle === 'function' ? await (settle as () => Promise<string | undefined>)() : undefined;
      }, `${BINDING}Settle`)
      .catch(() => undefined); // a closed page: what it sent has arrived
    if (failure) throw new Error(failure);
  }

  /** Every frame of every load, in order. */
  get frames(): CapturedFrame[] {
    return this.loads.flatMap((load) => load.frames);
  }

  #accept(message: CaptureMessage): void {
    let load = this.#byId.get(message.load);
    if (!load) {
      load = { index: this.loads.length, timeOrigin: 0, frames: [], turns: [], page: [] };
      this.#byId.set(message.load, load);
      this.loads.push(load);
    }
    if (message.kind === 'load') load.timeOrigin = message.timeOrigin;
    else if (message.kind === 'frame') load.frames.push(message.frame);
    else if (message.kind === 'turn') load.turns.push(message.commit);
    else load.page.push(message.commit);
  }
}
