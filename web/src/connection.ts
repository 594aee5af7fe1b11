/**
 * WebSocket client of the chat page: validates every frame against the protocol
 * before dispatching it, and reconnects with exponential backoff and jitter.
 */
import type { ClientMessage, ErrorMessage, ServerMessage } from '../../protocol';
import { parseServerFrame } from '../../protocol';
import type { ConnectionStatus } from './state';

export interface SocketHandlers {
  onOpen(): void;
  onFrame(data: unknown): void;
  onClose(): void;
}

interface SocketLike {
  readonly isOpen: boolean;
  send(data: string): void;
  close(): void;
}

type SocketFactory = (url: string, handlers: SocketHandlers) => SocketLike;

export interface ChatConnectionOptions {
  url: string;
  onMessage(message: ServerMessage): void;
  /** A frame that is not a valid server message; it is dropped. */
  onInvalidFrame(error: ErrorMessage): void;
  onStatus(status: ConnectionStatus): void;
  createSocket?: SocketFactory;
  setTimer?: (callback: () => void, delayMs: number) => void;
  random?: () => number;
  /**
   * A socket not open after this long is dropped and retried: a frozen server
   * accepts the TCP connection but never answers the upgrade.
   * @default CONNECT_TIMEOUT_MS (8 s)
   */
  connectTimeoutMs?: number;
}

export interface ChatConnection {
  /** Sends when the socket is open; returns whether it did. */
  send(message: ClientMessage): boolean;
  stats(): { framesReceived: number; invalidFrames: number };
  /**
   * Drops the current socket on this side at once (one that went silent) and
   * reconnects with backoff. It does not wait for the close handshake: a frozen
   * peer never answers it.
   */
  drop(): void;
  /** Closes the current socket politely and reconnects once the close handshake completes. */
  reconnect(): void;
  /** Closes for good: no reconnect. */
  close(): void;
}

const RECONNECT_BASE_MS = 250;
const CONNECT_TIMEOUT_MS = 8_000;
const RECONNECT_MAX_MS = 5000;

/** Delay before reconnect attempt `attempt` (0-based): 250 ms doubling up to 5 s, jittered into [half, full]. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** The chat socket on the page's own origin. */
export function chatSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

const browserSocket: SocketFactory = (url, handlers) => {
  const socket = new WebSocket(url);
  socket.onopen = () => handlers.onOpen();
  socket.onmessage = (event) => handlers.onFrame(event.data);
  // 'error' is always followed by 'close', which is where reconnecting starts.
  socket.onclose = () => handlers.onClose();
  return {
    get isOpen() {
      return socket.readyState === WebSocket.OPEN;
    },
    send: (data) => socket.send(data),
    close: () => socket.close(),
  };
};

/** Parses each frame against the protocol, hands on the valid ones, and counts both. */
function frameReader(
  onMessage: ChatConnectionOptions['onMessage'],
  onInvalid: ChatConnectionOptions['onInvalidFrame'],
) {
  let framesReceived = 0;
  let invalidFrames = 0;
  return {
    read(data: unknown): void {
      framesReceived++;
      const parsed =
        typeof data === 'string'
          ? parseServerFrame(data)
          : ({ ok: false, error: { type: 'error', code: 'bad_json', message: 'server frame is not text' } } as const);
      if (parsed.ok) {
        onMessage(parsed.value);
      } else {
        invalidFrames++;
        onInvalid(parsed.error);
      }
    },
    stats: () => ({ framesReceived, invalidFrames }),
  };
}

export function connectChat(options: ChatConnectionOptions): ChatConnection {
  const { url, onStatus } = options;
  const createSocket = options.createSocket ?? browserSocket;
  const setTimer = options.setTimer ?? ((callback, delayMs) => void setTimeout(callback, delayMs));
  const random = options.random ?? Math.random;
  const connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const frames = frameReader(options.onMessage, options.onInvalidFrame);
  let failedAttempts = 0;
  let stopped = false;
  let socket: SocketLike | undefined;
  let dropCurrent: (() => void) | undefined;

  function open(): void {
    onStatus('connecting');
    // Each socket keeps its own flags: one dropped here may still report later, and is then ignored.
    let opened = false;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      onStatus('closed');
      if (stopped) return;
      setTimer(
        () => {
          if (!stopped) open();
        },
        reconnectDelay(failedAttempts++, random),
      );
    };
    const current = createSocket(url, {
      onOpen() {
        // A socket given up on that opens late (a server that thawed) is not wanted any more.
        if (ended) return current.close();
        opened = true;
        failedAttempts = 0;
        onStatus('open');
      },
      onFrame(data) {
        if (!ended) frames.read(data);
      },
      onClose: end,
    });
    socket = current;
    dropCurrent = () => {
      current.close();
      end();
    };
    setTimer(() => {
      if (!opened && !ended && current === socket) dropCurrent?.();
    }, connectTimeoutMs);
  }

  open();
  return {
    send(message) {
      if (!socket?.isOpen) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    stats: frames.stats,
    drop() {
      dropCurrent?.();
    },
    reconnect() {
      socket?.close();
    },
    close() {
      stopped = true;
      socket?.close();
    },
  };
}
