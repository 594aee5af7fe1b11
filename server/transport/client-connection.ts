/**
 * ClientConnection: one WebSocket client. It parses each frame at the edge,
 * answers bad input with a protocol error (the socket stays open), starts and
 * cancels runs, and keeps the socket subscribed to the threads it uses. On a
 * node of a cluster, ClusterConnection (client-connection-cluster.ts) handles
 * all but pings instead.
 */
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import {
  CLOSE_CODES,
  type ClientMessage,
  type ErrorMessage,
  parseClientFrame,
  type ResumeMessage,
  type ServerMessage,
  type UserMessage,
} from '../../protocol';
import type { EventSubscriber, ThreadNotifier } from '../runtime/notifier';
import type { RunManager } from '../runtime/run-manager';
import { RunRejectedError } from '../runtime/run-rejected-error';
import { ClusterConnection } from './client-connection-cluster';
import type { ClusterLink } from './cluster-follow';
import { OutboundQueue, type OutboundQueueOptions } from './outbound-queue';
import { type KeyedRateLimiter, RateLimiter, type RateLimiterOptions } from './rate-limiter';
import type { ReplayGate } from './replay-gate';

export interface ClientConnectionOptions {
  runs: RunManager;
  notifier: ThreadNotifier;
  logger: Logger;
  /** The user: owns the threads it starts, and its runs count toward its concurrency cap. */
  owner: string;
  /** Message rate limit of this socket. @default RateLimiter's defaults */
  rateLimit?: RateLimiterOptions;
  /** Message rate limit of the user, keyed by `owner` and shared by all its sockets. @default none */
  userRateLimit?: KeyedRateLimiter;
  /** Send-side limits for slow readers. @default OutboundQueue's defaults */
  backpressure?: OutboundQueueOptions;
  /** Takes turns for this user's resume replays, across its sockets. @default none: replays never wait */
  replayGate?: ReplayGate;
  /** Journal events read and sent per step of a resume replay. @default DEFAULT_REPLAY_CHUNK (500) */
  replayChunk?: number;
  /** The cluster, when this server is one node of several (REDIS_URL). @default none: one process */
  cluster?: ClusterLink;
  /**
   * The TCP socket under the WebSocket. When given, frames sent in one tick
   * leave in one write (cork, then uncork on the next tick) instead of one
   * syscall each. @default undefined (one write per frame)
   */
  tcpSocket?: Corkable;
}

/** The part of net.Socket that batches writes. */
interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Events per step of a resume replay: what a paused reader holds at most, on top of its send buffer. */
const DEFAULT_REPLAY_CHUNK = 500;

export class ClientConnection implements EventSubscriber {
  readonly #socket: WebSocket;
  readonly #options: ClientConnectionOptions;
  readonly #log: Logger;
  readonly #unsubscribers = new Map<string, () => void>();
  /** Threads whose replay is still under way: they go live when it catches up. */
  readonly #replaying = new Set<string>();
  /** Aborted when the socket closes: a replay waiting for its turn gives up its place. */
  readonly #closed = new AbortController();
  readonly #limiter: RateLimiter;
  readonly #outbound: OutboundQueue;
  /** Handles all but pings when this server is one node of several. */
  readonly #cluster: ClusterConnection | undefined;
  #corked = false;

  constructor(socket: WebSocket, options: ClientConnectionOptions) {
    this.#socket = socket;
    this.#options = options;
    this.#log = options.logger;
    this.#limiter = new RateLimiter(options.rateLimit);
    this.#outbound = new OutboundQueue(socket, {
      ...options.backpressure,
      onOverflow: (queuedBytes) => this.#log.warn({ queuedBytes }, 'closed a socket too slow to keep up (1013)'),
    });
    this.#cluster = options.cluster ? this.#joinCluster(options.cluster) : undefined;
    socket.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    socket.on('close', (code) => this.#onClose(code));
    // ws closes the socket itself (e.g. 1009 for an oversized frame); just record why.
    socket.on('error', (error) => this.#log.warn({ err: error }, 'socket error'));
  }

  send(frame: string): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    this.#corkUntilNextTick();
    this.#outbound.send(frame);
  }

  /** Resolves once everything sent so far has left the process (or the socket closed); a shutdown waits on it. */
  drained(): Promise<void> {
    return this.#outbound.whenDrained();
  }

  #joinCluster(cluster: ClusterLink): ClusterConnection {
    const { runs, notifier, owner, replayGate, replayChunk } = this.#options;
    return new ClusterConnection(cluster, {
      runs,
      notifier,
      owner,
      replayGate,
      replayChunk: replayChunk ?? DEFAULT_REPLAY_CHUNK,
      logger: this.#log,
      outbound: this.#outbound,
      closed: this.#closed.signal,
      isOpen: () => this.#socket.readyState === this.#socket.OPEN,
      send: (frame) => this.send(frame),
      reply: (message) => this.#reply(message),
      failed: (error, message) => this.#failed(error, message),
      replayFailed: (error, threadId) => this.#replayFailed(error, threadId),
    });
  }

  /** A journal batch delivers many frames in one synchronous loop: send them as one write. */
  #corkUntilNextTick(): void {
    const tcp = this.#options.tcpSocket;
    if (!tcp || this.#corked) return;
    this.#corked = true;
    tcp.cork();
    process.nextTick(() => {
      this.#corked = false;
      tcp.uncork();
    });
  }

  #reply(message: ServerMessage): void {
    this.send(JSON.stringify(message));
  }

  #replyError(error: ErrorMessage): void {
    this.#log.debug({ code: error.code, reason: error.message }, 'rejected client message');
    this.#reply(error);
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    const refused = this.#overRateLimit();
    if (refused) {
      this.#replyError({ type: 'error', code: 'rate_limited', message: refused });
      return;
    }
    if (isBinary) {
      this.#replyError({
        type: 'error',
        code: 'invalid_message',
        message: 'binary frames are not supported; send JSON text',
      });
      return;
    }
    const parsed = parseClientFrame(rawToString(data));
    if (!parsed.ok) {
      this.#replyError(parsed.error);
      return;
    }
    const message = parsed.value;
    if (this.#cluster && message.type !== 'ping') {
      this.#cluster.handle(message);
      return;
    }
    try {
      if (message.type === 'user_message') this.#startRun(message);
      else if (message.type === 'resume') this.#resume(message);
      else if (message.type === 'ping') this.#reply({ type: 'pong', ...echoOf(message) });
      else this.#options.runs.cancel(message.runId, this.#options.owner);
    } catch (error) {
      this.#failed(error, message);
    }
  }

  #failed(error: unknown, message: ClientMessage): void {
    const echo = echoOf(message);
    if (error instanceof RunRejectedError) {
      this.#replyError({ type: 'error', code: error.code, message: error.message, ...echo });
      return;
    }
    this.#log.error({ err: error, type: message.type }, 'failed to handle message');
    this.#replyError({
      type: 'error',
      code: 'internal_error',
      message: 'the server failed to handle this message',
      ...echo,
    });
  }

  /** Why this message is refused, when it is: the socket's limit, then the user's (across its sockets). */
  #overRateLimit(): string | undefined {
    if (!this.#limiter.tryTake()) {
      const { ratePerSecond, burst } = this.#limiter;
      return `too many messages: at most ${ratePerSecond}/s (bursts of ${burst})`;
    }
    const perUser = this.#options.userRateLimit;
    if (perUser && !perUser.tryTake(this.#options.owner)) {
      const { ratePerSecond, burst } = perUser;
      return `too many messages from this user: at most ${ratePerSecond}/s across all its sockets (bursts of ${burst})`;
    }
    return undefined;
  }

  #startRun({ clientMessageId, threadId, text }: UserMessage): void {
    this.#options.runs.startRun({ threadId, text, owner: this.#options.owner }, (accepted) => {
      this.#subscribe(accepted.threadId);
      this.#reply({ type: 'message_accepted', clientMessageId, ...accepted });
    });
  }

  /**
   * Replays the journal after `afterSeq` in chunks, each sent once the socket
   * has taken the one before, then goes live. The last read and the
   * subscription happen in one synchronous step, and events are journaled in
   * the same step as they are published, so nothing can fall between replay
   * and live: no gap, no duplicate.
   */
  #resume({ threadId, afterSeq }: ResumeMessage): void {
    this.#options.runs.authorizeThread(threadId, this.#options.owner);
    if (this.#unsubscribers.has(threadId) || this.#replaying.has(threadId)) {
      // A second replay on the same socket would duplicate events and could be used to pile up memory.
      throw new RunRejectedError(
        'thread_busy',
        `this socket already follows thread ${threadId}; resume once per socket`,
      );
    }
    this.#options.replayGate?.checkRoom(this.#options.owner);
    this.#replaying.add(threadId);
    this.#replay(threadId, afterSeq).catch((error: unknown) => this.#replayFailed(error, threadId));
  }

  async #replay(threadId: string, afterSeq: number): Promise<void> {
    const release = (await this.#options.replayGate?.acquire(this.#options.owner, this.#closed.signal)) ?? (() => {});
    const endRead = this.#options.runs.beginRead(threadId);
    const chunk = this.#options.replayChunk ?? DEFAULT_REPLAY_CHUNK;
    let cursor = afterSeq;
    let replayed = 0;
    try {
      // The queue may have closed the socket (1013) before ws reports the close: stop reading for it then too.
      while (!this.#closed.signal.aborted && this.#socket.readyState === this.#socket.OPEN) {
        const frames = this.#options.runs.framesAfter(threadId, cursor, chunk);
        replayed += frames.length;
        if (frames.length < chunk) {
          this.#replaying.delete(threadId);
          this.#subscribe(threadId);
          this.#outbound.sendBacklog(frames);
          this.#log.info({ threadId, afterSeq, replayed }, 'client resumed');
          return;
        }
        this.#outbound.sendBacklog(frames);
        cursor = (JSON.parse(frames.at(-1) as string) as { seq: number }).seq;
        await this.#outbound.whenReady();
        // Let other sockets' work in between chunks, even when this reader keeps up.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      endRead();
      release();
    }
  }

  #replayFailed(error: unknown, threadId: string): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return; // closing anyway (e.g. a shutdown)
    // Part of the thread may be sent, and a run started meanwhile is not followed: only a fresh resume is whole.
    this.#log.error({ err: error, threadId }, 'resume failed; closing the socket so that the client resumes again');
    this.#socket.close(CLOSE_CODES.internalError, 'resume failed; reconnect and resume');
  }

  #subscribe(threadId: string): void {
    // A replay under way reads this thread's new events too, and subscribes when it catches up.
    if (this.#unsubscribers.has(threadId) || this.#replaying.has(threadId)) return;
    this.#unsubscribers.set(threadId, this.#options.notifier.subscribe(threadId, this));
  }

  #onClose(code: number): void {
    this.#closed.abort();
    this.#outbound.dispose();
    for (const unsubscribe of this.#unsubscribers.values()) unsubscribe();
    this.#unsubscribers.clear();
    this.#cluster?.stop();
    this.#log.info({ code }, 'client disconnected');
  }
}

/** The client's id for its message, to send back with the answer. */
function echoOf(message: ClientMessage): { clientMessageId?: string } {
  return 'clientMessageId' in message && message.clientMessageId ? { clientMessageId: message.clientMessageId } : {};
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
