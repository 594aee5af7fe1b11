/**
 * Client-side faults: a routeWebSocket proxy between the page and the server
 * that drops, duplicates or delays chosen server frames, as a flaky network
 * or a buggy proxy would. Frames the page never gets still reach Playwright's own socket
 * events, so tests using this declare the violations they provoke with agentRuns.expectViolations().
 */
import type { Page } from '@playwright/test';

export interface SocketFault {
  /** Frames (parsed JSON) that never reach the page. */
  drop?(frame: Record<string, unknown>): boolean;
  /** Frames that reach the page twice. */
  duplicate?(frame: Record<string, unknown>): boolean;
  /** Milliseconds to hold a frame back; later frames queue behind it, so order is kept. */
  delayMs?(frame: Record<string, unknown>): number;
}

export async function injectSocketFault(page: Page, fault: SocketFault): Promise<void> {
  await page.routeWebSocket('**/ws', (route) => {
    const server = route.connectToServer();
    route.onMessage((message) => server.send(message));
    let delivered = Promise.resolve();
    server.onMessage((message) => {
      const frame = JSON.parse(String(message)) as Record<string, unknown>;
      if (fault.drop?.(frame)) return;
      const delayMs = fault.delayMs?.(frame) ?? 0;
      delivered = delivered.then(async () => {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        route.send(message);
        if (fault.duplicate?.(frame)) route.send(message);
      });
    });
  });
}

export interface SilentSocketOptions {
  /** Once true, the first socket passes nothing more from the server to the page. */
  silent(): boolean;
  /**
   * Whether that socket still answers the page's close. A frozen peer does not:
   * the page's socket then never fires its close event.
   * @default true
   */
  answersClose?: boolean;
  /** Called with each server frame the page is given, on any socket. */
  delivered?(frame: Record<string, unknown>): void;
}

/**
 * A socket that goes silent mid-run without closing, the frozen-UI failure in
 * its purest form; later sockets (the page's reconnects) work. Returns how many
 * sockets the page has opened so far.
 */
export async function silenceFirstSocket(page: Page, options: SilentSocketOptions): Promise<() => number> {
  let connections = 0;
  await page.routeWebSocket('**/ws', (route) => {
    const server = route.connectToServer();
    const connection = ++connections;
    route.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      if (connection === 1 && options.silent()) return;
      options.delivered?.(JSON.parse(String(message)) as Record<string, unknown>);
      route.send(message);
    });
    if (options.answersClose === false) {
      route.onClose(() => {
        if (connection !== 1) server.close();
      });
    }
  });
  return () => connections;
}
