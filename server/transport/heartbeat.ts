/**
 * Heartbeat: pings every socket on an interval and terminates the ones that
 * did not answer the previous ping, so dead peers (a closed laptop, a dropped
 * network) do not hold subscriptions and buffers forever.
 */
import type { WebSocket, WebSocketServer } from 'ws';

/** Interval between pings; a socket silent for two intervals is terminated. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;

/** Starts pinging; returns the function that stops. */
export function startHeartbeat(wss: WebSocketServer, intervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS): () => void {
  const awaitingPong = new WeakSet<WebSocket>();
  const onPong = function (this: WebSocket) {
    awaitingPong.delete(this);
  };
  const onConnection = (socket: WebSocket) => socket.on('pong', onPong);
  wss.on('connection', onConnection);

  const timer = setInterval(() => {
    for (const socket of wss.clients) {
      if (awaitingPong.has(socket)) {
        socket.terminate();
        continue;
      }
      awaitingPong.add(socket);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();

  return () => {
    clearInterval(timer);
    wss.off('connection', onConnection);
  };
}
