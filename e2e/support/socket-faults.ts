/**
 * Client-side network faults, each a handler on the one WebSocket pass-through
 * (support/ws-proxy.ts): drop, duplicate or delay chosen server frames, as a
 * flaky network or a buggy proxy would; a socket that goes silent; sockets the
 * test cuts. Frames the page never gets still reach Playwright's own socket
 * events, so tests using these declare the violations they provoke with
 * agentRuns.expectViolations().
 */
import type { Page } from '@playwright/test';
import { type ProxiedSocket, parseFrame, proxyWebSockets } from './ws-proxy';

export interface SocketFault {
  /** Frames (parsed JSON) that never reach the page. */
  drop?(frame: Record<string, unknown>): boolean;
  /** Frames that reach the page twice. */
  duplicate?(frame: Record<string, unknown>): boolean;
  /** Milliseconds to hold a frame back; later frames queue behind it, so order is kept. */
  delayMs?(frame: Record<string, unknown>): number;
}

export async function injectSocketFault(page: Page, fault: SocketFault): Promise<void> {
  await proxyWebSockets(page, (socket) => {
    let delivered = Promise.resolve();
    return {
      fromServer(message) {
        const frame = parseFrame(message);
        if (fault.drop?.(frame)) return;
        const delayMs = fault.delayMs?.(frame) ?? 0;
        delivered = delivered.then(async () => {
          if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
          socket.deliver(message);
          if (fault.duplicate?.(frame)) socket.deliver(message);
        });
      },
    };
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
  const proxy = await proxyWebSockets(page, (socket) => ({
    fromServer(message) {
      if (socket.index === 1 && options.silent()) return;
      options.delivered?.(parseFrame(message));
      socket.deliver(message);
    },
    // Left unset, the page's close goes on to the server; set, the first socket never answers it.
    ...(options.answersClose === false
      ? {
          onPageClose() {
            if (socket.index !== 1) socket.closeServer();
          },
        }
      : {}),
  }));
  return () => proxy.sockets.length;
}

export interface CuttableSockets {
  /** Every socket the page has opened so far. */
  readonly count: number;
  /** Cuts the page's newest socket (close code 4000); the page reconnects on its own, with backoff. */
  cutLatest(): Promise<void>;
}

/** Sockets the test can cut one at a time; `delivered` sees each server frame the page was given. */
export async function cuttableSockets(
  page: Page,
  delivered: (frame: Record<string, unknown>) => void,
): Promise<CuttableSockets> {
  const proxy = await proxyWebSockets(page, (socket: ProxiedSocket) => ({
    fromServer(message) {
      if (socket.isCut) return;
      delivered(parseFrame(message));
      socket.deliver(message);
    },
  }));
  return {
    get count() {
      return proxy.sockets.length;
    },
    cutLatest: async () => proxy.sockets.at(-1)?.cut(),
  };
}
