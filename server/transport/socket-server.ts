/**
 * The `/ws` endpoint: accepts WebSocket upgrades on the shared http.Server
 * (ws in noServer mode), rejects bad paths and Origins before the upgrade, and
 * hands each accepted socket to a ClientConnection.
 */
import type { IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { MAX_CLIENT_FRAME_BYTES } from '../../protocol';
import type { SessionUser } from '../auth/session-tokens';
import type { ThreadNotifier } from '../runtime/notifier';
import type { RunManager } from '../runtime/run-manager';
import { ClientConnection } from './client-connection';
import type { ClusterLink } from './cluster-follow';
import { startHeartbeat } from './heartbeat';
import type { OutboundQueueOptions } from './outbound-queue';
import { KeyedRateLimiter, type RateLimiterOptions } from './rate-limiter';
import { ReplayGate, type ReplayGateOptions } from './replay-gate';

const WEBSOCKET_PATH = '/ws';
/** Open sockets one user may hold; more are refused with 429 (a page needs one, a few tabs a few). */
export const DEFAULT_MAX_SOCKETS_PER_USER = 16;
/** Open sockets one client address may hold, all its users together. */
export const DEFAULT_MAX_SOCKETS_PER_ADDRESS = 64;
/** Messages per second one user may send across all its sockets, and its burst allowance. */
const DEFAULT_USER_MESSAGE_RATE = 40;
const DEFAULT_USER_MESSAGE_BURST = 80;

export interface SocketServerOptions {
  runs: RunManager;
  notifier: ThreadNotifier;
  logger: Logger;
  /** Identifies the user of an upgrade request; rejects (→ 401) when there is no valid session. */
  authenticate(request: IncomingMessage): Promise<SessionUser>;
  /** Decides whether a browser Origin may connect. */
  isOriginAllowed(origin: string, request: IncomingMessage): boolean;
  /** Ping interval. @default DEFAULT_HEARTBEAT_INTERVAL_MS (15 s) */
  heartbeatIntervalMs?: number;
  /** Per-connection message rate limit. @default RateLimiter's defaults (20/s, burst 40) */
  rateLimit?: RateLimiterOptions;
  /**
   * Per-user message rate limit, across all of the user's sockets.
   * @default DEFAULT_USER_MESSAGE_RATE (40/s), DEFAULT_USER_MESSAGE_BURST (80)
   */
  userRateLimit?: RateLimiterOptions;
  /** Send-side limits for slow readers. @default OutboundQueue's defaults (1 MiB buffered, 4 MiB queued) */
  backpressure?: OutboundQueueOptions;
  /** Resume replays per user: at once, and waiting. @default ReplayGate's defaults (2 at once, 32 waiting) */
  replays?: ReplayGateOptions;
  /** @default DEFAULT_MAX_SOCKETS_PER_USER (16) */
  maxSocketsPerUser?: number;
  /** The TCP peer's address (a proxy's, behind one). @default DEFAULT_MAX_SOCKETS_PER_ADDRESS (64) */
  maxSocketsPerAddress?: number;
  /** The cluster, when this server is one node of several (REDIS_URL). @default none */
  cluster?: ClusterLink;
}

export interface SocketServer {
  wss: WebSocketServer;
  /**
   * Waits until every socket has taken what was sent to it (outbound queue and
   * send buffer empty), at most `timeoutMs`; resolves false when some had not.
   */
  drain(timeoutMs: number): Promise<boolean>;
  /** Stops the heartbeat and closes every socket with `code`. */
  close(code: number, reason: string): void;
  /** Drops every socket of a user without a close handshake, as a dying network would. */
  terminateUser(userId: string): number;
}

export function attachSocketServer(httpServer: Server, options: SocketServerOptions): SocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_FRAME_BYTES,
    // Compression costs CPU and memory per socket and opens zip-bomb style attacks.
    perMessageDeflate: false,
  });
  let nextConnectionId = 1;
  const replayGate = new ReplayGate(options.replays);
  const userRateLimit = new KeyedRateLimiter({
    ratePerSecond: options.userRateLimit?.ratePerSecond ?? DEFAULT_USER_MESSAGE_RATE,
    burst: options.userRateLimit?.burst ?? DEFAULT_USER_MESSAGE_BURST,
    now: options.userRateLimit?.now,
  });
  const userOf = new WeakMap<WebSocket, string>();
  const connections = new Set<ClientConnection>();
  const open = { byUser: new Map<string, number>(), byAddress: new Map<string, number>() };
  const count = (map: Map<string, number>, key: string, step: number) => {
    const next = (map.get(key) ?? 0) + step;
    if (next > 0) map.set(key, next);
    else map.delete(key);
  };
  const overCap = (userId: string, address: string): string | undefined => {
    const perUser = options.maxSocketsPerUser ?? DEFAULT_MAX_SOCKETS_PER_USER;
    const perAddress = options.maxSocketsPerAddress ?? DEFAULT_MAX_SOCKETS_PER_ADDRESS;
    if ((open.byUser.get(userId) ?? 0) >= perUser) return `user has ${perUser} sockets open`;
    if ((open.byAddress.get(address) ?? 0) >= perAddress) return `address has ${perAddress} sockets open`;
    return undefined;
  };

  httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node drops its own error handler for upgrades: without ours, a reset peer would crash the process.
    const onSocketError = () => socket.destroy();
    socket.on('error', onSocketError);
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname !== WEBSOCKET_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    const origin = request.headers.origin;
    // Non-browser clients send no Origin; browsers always do, so that is what cross-site checks need.
    if (origin !== undefined && !options.isOriginAllowed(origin, request)) {
      options.logger.warn({ origin }, 'rejected WebSocket upgrade from a disallowed origin');
      return rejectUpgrade(socket, 403, 'Forbidden');
    }
    options.authenticate(request).then(
      (user) => {
        if (socket.destroyed) return;
        const address = request.socket.remoteAddress ?? 'unknown';
        const over = overCap(user.userId, address);
        if (over) {
          options.logger.warn({ userId: user.userId, address, over }, 'rejected WebSocket upgrade over a socket cap');
          return rejectUpgrade(socket, 429, 'Too Many Requests', { 'Retry-After': '5' });
        }
        count(open.byUser, user.userId, 1);
        count(open.byAddress, address, 1);
        socket.once('close', () => {
          count(open.byUser, user.userId, -1);
          count(open.byAddress, address, -1);
        });
        socket.off('error', onSocketError); // ws installs its own
        wss.handleUpgrade(request, socket, head, (ws) => {
          const connectionId = nextConnectionId++;
          const logger = options.logger.child({ connectionId, userId: user.userId });
          logger.info({ origin, remote: request.socket.remoteAddress }, 'client connected');
          userOf.set(ws, user.userId);
          wss.emit('connection', ws, request);
          const { runs, notifier, rateLimit, backpressure, cluster } = options;
          const connection = new ClientConnection(ws, {
            runs,
            notifier,
            logger,
            owner: user.userId,
            rateLimit,
            userRateLimit,
            backpressure,
            replayGate,
            cluster,
            tcpSocket: socket instanceof Socket ? socket : undefined,
          });
          connections.add(connection);
          ws.once('close', () => connections.delete(connection));
        });
      },
      (error: unknown) => {
        if (socket.destroyed) return;
        options.logger.info({ reason: error instanceof Error ? error.message : String(error) }, 'rejected upgrade');
        rejectUpgrade(socket, 401, 'Unauthorized');
      },
    );
  });
  const stopHeartbeat = startHeartbeat(wss, options.heartbeatIntervalMs);
  return {
    wss,
    terminateUser(userId) {
      const sockets = [...wss.clients].filter((client) => userOf.get(client) === userId);
      for (const socket of sockets) socket.terminate();
      return sockets.length;
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const drained = Promise.all([...connections].map((connection) => connection.drained())).then(() => true);
      try {
        return await Promise.race([drained, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
    close(code, reason) {
      stopHeartbeat();
      for (const client of wss.clients) client.close(code, reason);
      wss.close();
    },
  };
}

function rejectUpgrade(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${extra}Content-Length: 0\r\n\r\n`);
}
