import { describe, expect, it } from 'vitest';
import type { ErrorMessage, ServerMessage } from '../../protocol';
import {
  type ChatConnectionOptions,
  chatSocketUrl,
  connectChat,
  reconnectDelay,
  type SocketHandlers,
} from './connection';
import type { ConnectionStatus } from './state';

const CONNECT_TIMEOUT = 9_999;

function setup(overrides: Partial<ChatConnectionOptions> = {}) {
  const sockets: Array<{ url: string; handlers: SocketHandlers; sent: string[]; isOpen: boolean; closed: boolean }> =
    [];
  const allTimers: Array<{ callback: () => void; delayMs: number }> = [];
  const messages: ServerMessage[] = [];
  const invalid: ErrorMessage[] = [];
  const statuses: ConnectionStatus[] = [];
  const connection = connectChat({
    url: 'ws://example.test/ws',
    onMessage: (message) => messages.push(message),
    onInvalidFrame: (error) => invalid.push(error),
    onStatus: (status) => statuses.push(status),
    createSocket(url, handlers) {
      const socket = {
        url,
        handlers,
        sent: [] as string[],
        isOpen: false,
        closed: false,
        send: (data: string) => socket.sent.push(data),
        // A polite close: the close event comes later, when (if) the peer answers.
        close: () => {
          socket.closed = true;
        },
      };
      sockets.push(socket);
      return socket;
    },
    setTimer: (callback, delayMs) => allTimers.push({ callback, delayMs }),
    random: () => 1,
    connectTimeoutMs: CONNECT_TIMEOUT,
    ...overrides,
  });
  // Reconnect delays; the connect timeouts are looked at on their own.
  const timers = {
    get list() {
      return allTimers.filter((timer) => timer.delayMs !== CONNECT_TIMEOUT);
    },
    map: <T>(f: (timer: { callback: () => void; delayMs: number }) => T) => timers.list.map(f),
    at: (index: number) => timers.list[index],
  };
  const connectTimeouts = () => allTimers.filter((timer) => timer.delayMs === CONNECT_TIMEOUT);
  const latest = () => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket');
    return socket;
  };
  const openLatest = () => {
    latest().isOpen = true;
    latest().handlers.onOpen();
  };
  return { connection, sockets, timers, connectTimeouts, messages, invalid, statuses, latest, openLatest };
}

const accepted = { type: 'message_accepted', clientMessageId: 'c', threadId: 't', runId: 'r' } as const;

describe('reconnectDelay', () => {
  it('doubles from 250 ms up to 5 s, jittered into the upper half', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((attempt) => reconnectDelay(attempt, () => 1))).toEqual([
      250, 500, 1000, 2000, 4000, 5000, 5000,
    ]);
    expect(reconnectDelay(0, () => 0)).toBe(125);
    expect(reconnectDelay(20, () => 0)).toBe(2500);
  });
});

describe('chatSocketUrl', () => {
  it('uses the page origin and the matching scheme', () => {
    expect(chatSocketUrl({ protocol: 'http:', host: 'localhost:3000' })).toBe('ws://localhost:3000/ws');
    expect(chatSocketUrl({ protocol: 'https:', host: 'chat.example' })).toBe('wss://chat.example/ws');
  });
});

describe('connectChat', () => {
  it('dispatches valid frames and counts invalid ones without throwing', () => {
    const { connection, latest, openLatest, messages, invalid, statuses } = setup();
    openLatest();
    latest().handlers.onFrame(JSON.stringify(accepted));
    latest().handlers.onFrame('{not json');
    latest().handlers.onFrame(JSON.stringify({ type: 'agent_started', runId: 'r' }));
    latest().handlers.onFrame(new ArrayBuffer(4));

    expect(statuses).toEqual(['connecting', 'open']);
    expect(messages).toEqual([accepted]);
    expect(invalid.map((error) => error.code)).toEqual(['bad_json', 'invalid_message', 'bad_json']);
    expect(connection.stats()).toEqual({ framesReceived: 4, invalidFrames: 3 });
  });

  it('sends JSON only while open', () => {
    const { connection, latest, openLatest } = setup();
    expect(connection.send({ type: 'cancel', runId: 'r' })).toBe(false);
    openLatest();
    expect(connection.send({ type: 'cancel', runId: 'r' })).toBe(true);
    expect(latest().sent).toEqual(['{"type":"cancel","runId":"r"}']);
  });

  it('reconnects with growing delays and resets them after a successful open', () => {
    const { sockets, timers, latest, openLatest, statuses } = setup();
    latest().handlers.onClose();
    latest().handlers.onClose();
    expect(timers.map((timer) => timer.delayMs)).toEqual([250]);
    timers.at(0)?.callback();
    latest().handlers.onClose();
    timers.at(1)?.callback();
    openLatest();
    latest().handlers.onClose();

    expect(sockets).toHaveLength(3);
    expect(timers.map((timer) => timer.delayMs)).toEqual([250, 500, 250]);
    expect(statuses).toEqual(['connecting', 'closed', 'connecting', 'closed', 'connecting', 'open', 'closed']);
  });

  it('stops reconnecting once closed for good', () => {
    const { connection, timers, latest, sockets } = setup();
    connection.close();
    latest().handlers.onClose();
    expect(timers.list).toEqual([]);
    expect(sockets).toHaveLength(1);
  });

  it('drops a silent socket at once, without waiting for a close handshake a frozen peer never answers', () => {
    const { connection, sockets, timers, latest, openLatest, statuses, messages } = setup();
    openLatest();
    const frozen = latest();
    connection.drop();
    expect(frozen.closed).toBe(true);
    expect(statuses).toEqual(['connecting', 'open', 'closed']);
    expect(timers.map((timer) => timer.delayMs)).toEqual([250]);
    // Whatever the dropped socket says later is ignored.
    frozen.handlers.onFrame(JSON.stringify(accepted));
    frozen.handlers.onClose();
    expect(messages).toEqual([]);
    expect(statuses).toHaveLength(3);
    timers.at(0)?.callback();
    expect(sockets).toHaveLength(2);
  });

  it('gives up on a socket that does not open in time, and closes it if it opens late', () => {
    const { sockets, timers, connectTimeouts, latest, statuses } = setup();
    const hanging = latest();
    connectTimeouts()[0]?.callback();
    expect(hanging.closed).toBe(true);
    expect(statuses).toEqual(['connecting', 'closed']);
    timers.at(0)?.callback();
    expect(sockets).toHaveLength(2);
    hanging.closed = false;
    hanging.handlers.onOpen();
    expect(hanging.closed).toBe(true);
    expect(statuses).toEqual(['connecting', 'closed', 'connecting']);
  });

  it('keeps a socket that opened in time', () => {
    const { connectTimeouts, openLatest, latest, statuses } = setup();
    openLatest();
    connectTimeouts()[0]?.callback();
    expect(latest().closed).toBe(false);
    expect(statuses).toEqual(['connecting', 'open']);
  });
});
