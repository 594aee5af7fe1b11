/**
 * Heartbeat: pings every socket on an interval and terminates the ones that
 * did not answer the previous ping, so dead peers (a closed laptop, a dropped
 * network) do not hold subscriptions and buffers forever.
 *
 * It judges peers, not the server: after a stall of our own event loop the
 * tick fires late and before the pongs waiting in the kernel buffers are read.
 * So a late tick terminates nobody (it starts a fresh round), and an on-time
 * tick checks only after the poll phase has read what is waiting.
 */
import type { WebSocket, WebSocketServer } from 'ws';

/** Interval between pings; a socket silent for two intervals is terminated. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;

/** A tick this many intervals after the previous one means our own loop stalled. */
const DEFAULT_LATE_TICK_FACTOR = 1.5;

export interface HeartbeatOptions {
  /**
   * Interval between pings; a peer that leaves a ping unanswered until the next tick is terminated.
   * @default DEFAULT_HEARTBEAT_INTERVAL_MS (15 s)
   */
  intervalMs?: number;
  /**
   * A tick that comes more than this many intervals after the previous one was delayed by our own
   * event loop, so its unanswered pings say nothing about the peers: it pings everyone again and
   * terminates nobody. A dead peer is still terminated at the next on-time tick.
   * @default DEFAULT_LATE_TICK_FACTOR (1.5)
   */
  lateTickFactor?: number;
}

/**
 * Starts pinging; returns the function that stops. A number is taken as `intervalMs`, and
 * `undefined` (an unset server option) gives every default.
 */
export function startHeartbeat(wss: WebSocketServer, options: HeartbeatOptions | number = {}): () => void {
  const { intervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS, lateTickFactor = DEFAULT_LATE_TICK_FACTOR } =
    typeof options === 'number' ? { intervalMs: options } : options;
  const awaitingPong = new WeakSet<WebSocket>();
  const onPong = function (this: WebSocket) {
    awaitingPong.delete(this);
  };
  const onConnection = (socket: WebSocket) => socket.on('pong', onPong);
  wss.on('connection', onConnection);

  const round = (judge: boolean) => {
    for (const socket of wss.clients) {
      if (judge && awaitingPong.has(socket)) {
        socket.terminate();
        continue;
      }
      awaitingPong.add(socket);
      socket.ping();
    }
  };
  // Monotonic, so a wall-clock jump cannot pass for a stall or hide one.
  let lastTick = performance.now();
  let pending: NodeJS.Immediate | undefined;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - lastTick > intervalMs * lateTickFactor;
    lastTick = now;
    if (late) {
      round(false);
      return;
    }
    // Timers run before the poll phase: judge in the check phase, after waiting pongs were read.
    pending = setImmediate(() => {
      pending = undefined;
      round(true);
    });
  }, intervalMs);
  timer.unref();

  return () => {
    clearInterval(timer);
    if (pending) clearImmediate(pending);
    wss.off('connection', onConnection);
  };
}
