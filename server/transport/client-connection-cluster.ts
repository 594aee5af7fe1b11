/**
 * The messages of one socket when this server is one node of several
 * (REDIS_URL). Each may wait on Redis first (a claim on the run, a thread
 * another node created, a cancel for a run elsewhere), yet a socket's
 * messages are handled in the order they came: one promise chain per socket.
 * What the socket follows, live and replayed, is ClusterFollow's.
 */
import type { Logger } from 'pino';
import type { CancelMessage, ClientMessage, ResumeMessage, ServerMessage, UserMessage } from '../../protocol';
import type { ThreadNotifier } from '../runtime/notifier';
import type { RunManager } from '../runtime/run-manager';
import { RunRejectedError } from '../runtime/run-rejected-error';
import { ClusterFollow, type ClusterLink } from './cluster-follow';
import type { OutboundQueue } from './outbound-queue';
import type { ReplayGate } from './replay-gate';

/** Every message but a ping, which needs no Redis and is answered at once. */
export type ClusterMessage = Exclude<ClientMessage, { type: 'ping' }>;

/** What the cluster side needs from its ClientConnection. */
export interface ClusterConnectionHost {
  runs: RunManager;
  notifier: ThreadNotifier;
  logger: Logger;
  owner: string;
  replayGate: ReplayGate | undefined;
  /** Stream entries read and sent per step of a resume replay. */
  replayChunk: number;
  outbound: OutboundQueue;
  /** Aborted when the socket closes: a replay stops, or gives up its place in the gate. */
  closed: AbortSignal;
  isOpen(): boolean;
  send(frame: string): void;
  reply(message: ServerMessage): void;
  /** Answers a message that failed (a RunRejectedError with its own code). */
  failed(error: unknown, message: ClusterMessage): void;
  /** A replay failed midway: part of the thread may be sent, so the client must resume again. */
  replayFailed(error: unknown, threadId: string): void;
}

export class ClusterConnection {
  readonly #cluster: ClusterLink;
  readonly #host: ClusterConnectionHost;
  readonly #follow: ClusterFollow;
  /** Threads whose replay is still under way: the replay goes live on them itself when it catches up. */
  readonly #replaying = new Set<string>();
  /** Keeps this socket's messages in order, though each waits on Redis. */
  #chain: Promise<void> = Promise.resolve();

  constructor(cluster: ClusterLink, host: ClusterConnectionHost) {
    this.#cluster = cluster;
    this.#host = host;
    this.#follow = new ClusterFollow(cluster, host.notifier, {
      send: (frame) => host.send(frame),
      outbound: host.outbound,
      isOpen: () => host.isOpen(),
    });
  }

  /** Handles the message once the socket's earlier ones are done. */
  handle(message: ClusterMessage): void {
    this.#chain = this.#chain
      .then(() => this.#dispatch(message))
      .catch((error: unknown) => this.#host.failed(error, message));
  }

  /** The socket closed: follow nothing from now on (a claim may still be on its way). */
  stop(): void {
    this.#follow.stopAll();
  }

  #dispatch(message: ClusterMessage): Promise<void> {
    if (message.type === 'user_message') return this.#startRun(message);
    if (message.type === 'resume') return this.#resume(message);
    return this.#cancel(message);
  }

  /** Starts a run under a claim every node honours (one run per thread, the user's cap across nodes). */
  async #startRun({ clientMessageId, threadId, text }: UserMessage): Promise<void> {
    const { runs, owner } = this.#host;
    const claim = await this.#cluster.claimRun(threadId, owner);
    try {
      const started = runs.startRun({ threadId, text, owner, runId: claim.runId }, (accepted) => {
        claim.started(accepted.threadId);
        // A replay under way on this thread reads the run's events from the stream, then goes live itself.
        if (!this.#replaying.has(accepted.threadId)) {
          this.#follow.follow(accepted.threadId, runs.lastSeqOf(accepted.threadId));
        }
        this.#host.reply({ type: 'message_accepted', clientMessageId, ...accepted });
      });
      void started.done.finally(() => claim.ended());
    } catch (error) {
      claim.ended();
      throw error;
    }
  }

  async #resume({ threadId, afterSeq }: ResumeMessage): Promise<void> {
    const { runs, owner, replayGate } = this.#host;
    if (!(await this.#cluster.loadThread(threadId))) {
      throw new RunRejectedError('not_found', `thread ${threadId} does not exist`);
    }
    runs.authorizeThread(threadId, owner);
    if (this.#follow.isFollowing(threadId) || this.#replaying.has(threadId)) {
      // A second replay on the same socket would duplicate events and could be used to pile up memory.
      throw new RunRejectedError(
        'thread_busy',
        `this socket already follows thread ${threadId}; resume once per socket`,
      );
    }
    replayGate?.checkRoom(owner);
    this.#replaying.add(threadId);
    // Not awaited: a long replay must not hold this socket's next messages (a cancel).
    this.#replay(threadId, afterSeq).catch((error: unknown) => this.#host.replayFailed(error, threadId));
  }

  async #replay(threadId: string, afterSeq: number): Promise<void> {
    const { replayGate, owner, closed, replayChunk, logger } = this.#host;
    const release = (await replayGate?.acquire(owner, closed)) ?? (() => {});
    try {
      const replayed = await this.#follow.resume(threadId, afterSeq, replayChunk, closed);
      logger.info({ threadId, afterSeq, replayed }, 'client resumed');
    } finally {
      this.#replaying.delete(threadId);
      release();
    }
  }

  /** Cancels the run here, or on the node that runs it. */
  async #cancel({ runId }: CancelMessage): Promise<void> {
    const { runs, owner } = this.#host;
    try {
      runs.cancel(runId, owner);
    } catch (error) {
      if (!(error instanceof RunRejectedError) || error.code !== 'not_found') throw error;
      await this.#cluster.cancelRemote(runId, owner);
    }
  }
}
