/**
 * The one WebSocket pass-through between the page and the server: every
 * socket the page opens to /ws goes through page.routeWebSocket to the real
 * server, the page's frames pass unchanged, and each server frame reaches the
 * page through a per-socket handler that may hold it back, drop it or send it
 * twice. The network faults (support/socket-faults.ts) are handlers on it.
 */
import type { Page, WebSocketRoute } from '@playwright/test';

export type WsMessage = string | Buffer;

/** One socket the page opened, as the proxy sees it. */
export class ProxiedSocket {
  #cut = false;

  constructor(
    /** 1 for the page's first socket, 2 for its first reconnect, and so on. */
    readonly index: number,
    private readonly toPage: WebSocketRoute,
    private readonly toServer: WebSocketRoute,
  ) {}

  /** True once `cut()` was called: nothing more reaches the page on this socket. */
  get isCut(): boolean {
    return this.#cut;
  }

  /** Passes a server frame on to the page, unless the socket was cut. */
  deliver(message: WsMessage): void {
    if (!this.#cut) this.toPage.send(message);
  }

  /** Closes the page's side, as a proxy that drops the connection does; the page sees the close code. */
  async cut(code = 4000, reason = 'test cut'): Promise<void> {
    this.#cut = true;
    await this.toPage.close({ code, reason });
  }

  /** Closes the server's side (what Playwright does on a page close when no `onPageClose` is given). */
  closeServer(): void {
    this.toServer.close();
  }
}

/** What a fault does with one socket; both default to a plain pass-through. */
export interface SocketHandler {
  /** Each server frame on its way to the page; call `socket.deliver` to pass it on. */
  fromServer?(message: WsMessage): void;
  /**
   * The page closed its socket. Unset, the close goes on to the server; set,
   * only what this does happens (nothing at all, for a peer that never answers).
   */
  onPageClose?(): void;
}

export interface WsProxy {
  /** Every socket the page has opened so far, in order. */
  readonly sockets: readonly ProxiedSocket[];
}

/** Routes the page's /ws sockets through the pass-through; `handle` is called once per new socket. */
export async function proxyWebSockets(
  page: Page,
  handle: (socket: ProxiedSocket) => SocketHandler = () => ({}),
): Promise<WsProxy> {
  const sockets: ProxiedSocket[] = [];
  await page.routeWebSocket('**/ws', (route) => {
    const server = route.connectToServer();
    const socket = new ProxiedSocket(sockets.length + 1, route, server);
    sockets.push(socket);
    const handler = handle(socket);
    route.onMessage((message) => server.send(message));
    server.onMessage((message) => (handler.fromServer ? handler.fromServer(message) : socket.deliver(message)));
    const { onPageClose } = handler;
    // Setting onClose turns off Playwright's forwarding of the close, so only set it when asked.
    if (onPageClose) route.onClose(() => onPageClose());
  });
  return { sockets };
}

/** A server frame as JSON: every frame of our protocol is one JSON object. */
export function parseFrame(message: WsMessage): Record<string, unknown> {
  return JSON.parse(String(message)) as Record<string, unknown>;
}
