/**
 * One node of several sharing threads through Redis (REDIS_URL). It is the
 * RunManager's event sink (every event is appended to its thread's stream,
 * and reaches sockets, here and on other nodes, only through the stream
 * reader), and it gives the sockets what needs every node: a thread created
 * elsewhere, runs claimed against the thread and the user's cap, a cancel for
 * a run on another node, and the closing of runs whose node died.
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { z } from 'zod';
import type { RunEvent } from '../../protocol';
import type { ThreadSummary } from '../journal/thread-list';
import type { EventSink } from '../runtime/event-sink';
import type { ThreadNotifier } from '../runtime/notifier';
import type { RunManager } from '../runtime/run-manager';
import { RunRejectedError } from '../runtime/run-rejected-error';
import type { ClaimedClusterRun } from '../transport/cluster-follow';
import { CANCEL_CHANNEL, type ClusterRun, type RedisClient, RedisStore } from './redis-store';
import { closeOpenRun } from './run-closer';
import { StreamReader } from './stream-reader';

/** What a node publishes on CANCEL_CHANNEL for the node that runs the run. */
const cancelMessage = z.object({ runId: z.string(), nodeId: z.string() });

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Redis commands a node holds while Redis cannot be reached (events of runs under way), at most. */
const OFFLINE_QUEUE_MAX = 100_000;

/** Longest a socket's request waits on Redis before it is told `unavailable`. */
const ASK_TIMEOUT_MS = 5_000;

/** Longest a closing node waits for its last writes to reach Redis. */
const CLOSE_WAIT_MS = 2_000;

/** A node whose lease is this old is dead. */
const DEFAULT_NODE_LEASE_MS = 5_000;

export interface ClusterOptions {
  /** redis://host:port of the shared Redis. */
  url: string;
  /** This process's name among the nodes. @default `<hostname>-<pid>-<random>` */
  nodeId?: string;
  /** How long a node's lease lasts; it is renewed every third of it. @default DEFAULT_NODE_LEASE_MS (5 s) */
  leaseMs?: number;
  /** Runs one user may have in progress at once, across every node. */
  maxRunsPerUser: number;
  /** Events a thread's stream keeps. @default DEFAULT_STREAM_MAX_EVENTS (100,000) */
  streamMaxEvents?: number;
  logger: Logger;
}

export class Cluster implements EventSink {
  readonly nodeId: string;
  readonly store: RedisStore;
  readonly #client: RedisClient;
  readonly #subscriber: RedisClient;
  readonly #reader: StreamReader;
  readonly #options: ClusterOptions;
  readonly #log: Logger;
  #runs: RunManager | undefined;
  /** Runs of this node whose events could not be appended: closed as interrupted once Redis is back. */
  readonly #toClose = new Map<string, ClusterRun>();
  readonly #pending = new Set<Promise<unknown>>();
  #leaseTimer: NodeJS.Timeout | undefined;
  #reapTimer: NodeJS.Timeout | undefined;
  #reaping = false;
  #closingFailed: Promise<void> | undefined;

  private constructor(
    clients: { client: RedisClient; reader: RedisClient; subscriber: RedisClient },
    options: ClusterOptions,
  ) {
    this.#options = options;
    this.nodeId = options.nodeId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.#log = options.logger.child({ node: this.nodeId });
    this.#client = clients.client;
    this.#subscriber = clients.subscriber;
    this.store = new RedisStore(clients.client, options.streamMaxEvents);
    this.#reader = new StreamReader({
      reader: clients.reader,
      control: clients.client,
      nodeId: this.nodeId,
      logger: this.#log,
      deliver: (threadId, frame) => this.#notifier?.publish(threadId, frame),
    });
  }

  #notifier: ThreadNotifier | undefined;

  /** Connects to Redis; fails (with the reason) when it does not answer. */
  static async connect(options: ClusterOptions): Promise<Cluster> {
    // While Redis is down, writes wait in the client's queue and go out in order once it is back; past
    // OFFLINE_QUEUE_MAX they fail, and the runs they belong to are stopped and closed later.
    const client = createClient({ url: options.url, commandsQueueMaxLength: OFFLINE_QUEUE_MAX }) as RedisClient;
    const logger = options.logger;
    client.on('error', (error: unknown) => logger.warn({ err: error }, 'Redis connection error'));
    await client.connect();
    const reader = client.duplicate() as RedisClient;
    const subscriber = client.duplicate() as RedisClient;
    reader.on('error', () => {}); // reported once, by the main connection
    subscriber.on('error', () => {});
    await Promise.all([reader.connect(), subscriber.connect()]);
    return new Cluster({ client, reader, subscriber }, options);
  }

  /** Starts serving: live events, cancels from other nodes, the lease, and the watch over dead nodes. */
  async start(runs: RunManager, notifier: ThreadNotifier): Promise<void> {
    this.#runs = runs;
    this.#notifier = notifier;
    await this.#subscriber.subscribe(CANCEL_CHANNEL, (message) => this.#onCancel(message));
    this.#reader.start();
    // A process that had this NODE_ID before (a restart) left its runs open: this one has none yet.
    await this.#closeRunsOf(this.nodeId, 'the server restarted before the run finished');
    await this.#renewLease();
    const leaseMs = this.#options.leaseMs ?? DEFAULT_NODE_LEASE_MS;
    const every = Math.max(50, Math.floor(leaseMs / 3));
    // The lease has a timer of its own: a long reaping pass must not let this node's own lease expire.
    this.#leaseTimer = setInterval(() => void this.#renewLease(), every);
    this.#reapTimer = setInterval(() => void this.#reapDeadNodes(), every);
    this.#client.on('ready', () => void this.#closeFailedRuns());
  }

  // EventSink: what the RunManager writes.

  unavailable(): string | undefined {
    return this.#client.isReady ? undefined : 'the event store (Redis) cannot be reached';
  }

  recordThread(threadId: string, ownerId: string | undefined): void {
    this.#track(this.store.recordThread(threadId, ownerId)).catch((error: unknown) =>
      this.#log.error({ err: error, threadId }, 'recording a new thread in Redis failed'),
    );
  }

  append(event: RunEvent, frame: string, ownerId: string | undefined): void {
    this.#track(this.store.append(event, frame, ownerId, this.nodeId)).catch((error: unknown) =>
      this.#appendFailed(event, ownerId, error),
    );
  }

  // What sockets need from every node.

  /** Runs a Redis call for a socket: while Redis cannot be reached, the socket is told `unavailable`. */
  async #ask<T>(call: () => Promise<T>): Promise<T> {
    const down = () =>
      new RunRejectedError(
        'unavailable',
        `${this.unavailable() ?? 'the event store (Redis) failed'}; try again in a moment`,
      );
    if (!this.#client.isReady) throw down();
    let timer: NodeJS.Timeout | undefined;
    // A Redis that stops answering without dropping the connection must not hold a socket's messages forever.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ASK_TIMEOUT_MS} ms`)), ASK_TIMEOUT_MS);
    });
    try {
      return await Promise.race([call(), timeout]);
    } catch (error) {
      if (error instanceof RunRejectedError) throw error;
      this.#log.warn({ err: error }, 'a Redis call failed');
      throw down();
    } finally {
      clearTimeout(timer);
    }
  }

  /** Brings a thread created on any node into this node's RunManager; false when no node knows it. */
  loadThread(threadId: string): Promise<boolean> {
    return this.#ask(() => this.#loadThread(threadId));
  }

  async #loadThread(threadId: string): Promise<boolean> {
    const meta = await this.store.thread(threadId);
    if (!meta) return false;
    this.#runs?.adoptThread(threadId, meta.ownerId, meta.lastSeq);
    return true;
  }

  /** Claims a run before it starts: its thread idle on every node, its user under the cap across nodes. */
  claimRun(threadId: string | undefined, ownerId: string): Promise<ClaimedClusterRun> {
    return this.#ask(() => this.#claimRun(threadId, ownerId));
  }

  async #claimRun(threadId: string | undefined, ownerId: string): Promise<ClaimedClusterRun> {
    if (threadId !== undefined && !(await this.#loadThread(threadId))) {
      throw new RunRejectedError('not_found', `thread ${threadId} does not exist`);
    }
    if (threadId !== undefined) this.#runs?.authorizeThread(threadId, ownerId);
    const run: ClusterRun = { runId: randomUUID(), threadId: threadId ?? '', nodeId: this.nodeId, ownerId };
    const claim = await this.store.claimRun(run, threadId !== undefined, this.#options.maxRunsPerUser);
    if (!claim.ok) throw new RunRejectedError(claim.code, claim.message);
    // The seq as the claim found it: a run that ended on another node since the load above moved it on.
    if (threadId !== undefined) this.#runs?.adoptThread(threadId, ownerId, claim.lastSeq);
    let released = false;
    return {
      runId: run.runId,
      started: (startedThreadId) => {
        run.threadId = startedThreadId;
        if (threadId === undefined) void this.#track(this.store.setRunThread(run.runId, startedThreadId));
      },
      ended: () => {
        // A run whose events Redis lost is released once it is closed (#closeFailedRuns), not before.
        if (released || this.#toClose.has(run.runId)) return;
        released = true;
        this.#track(this.store.releaseRun(run)).catch((error: unknown) =>
          this.#log.warn({ err: error, runId: run.runId }, 'releasing a run in Redis failed'),
        );
      },
    };
  }

  /** Cancels a run running on another node, if `ownerId` may. */
  cancelRemote(runId: string, ownerId: string | undefined): Promise<void> {
    return this.#ask(() => this.#cancelRemote(runId, ownerId));
  }

  async #cancelRemote(runId: string, ownerId: string | undefined): Promise<void> {
    const run = await this.store.run(runId);
    if (!run) throw new RunRejectedError('not_found', `run ${runId} is not running`);
    if ((run.ownerId ?? undefined) !== ownerId) {
      throw new RunRejectedError('forbidden', 'this thread belongs to another user');
    }
    await this.#client.publish(CANCEL_CHANNEL, JSON.stringify({ runId, nodeId: run.nodeId }));
  }

  /** A page of the thread's events; `unavailable` while Redis cannot be reached. */
  async framesAfter(threadId: string, afterSeq: number, limit: number): Promise<string[]> {
    return (await this.#ask(() => this.store.framesAfter(threadId, afterSeq, limit))).map((entry) => entry.frame);
  }

  /** The owner's threads, newest first; `unavailable` while Redis cannot be reached. */
  threadsOf(ownerId: string, limit: number): Promise<ThreadSummary[]> {
    return this.#ask(() => this.store.threadsOf(ownerId, limit));
  }

  /** Follows a thread's live events from after `afterSeq`; returns the seq this node has delivered up to. */
  follow(threadId: string, afterSeq: number): number {
    return this.#reader.follow(threadId, afterSeq);
  }

  unfollow(threadId: string): void {
    this.#reader.unfollow(threadId);
  }

  /**
   * After the runs have ended: waits for their last writes (at most
   * CLOSE_WAIT_MS: Redis may be down), leaves the cluster, closes the connections.
   */
  async close(): Promise<void> {
    clearInterval(this.#leaseTimer);
    clearInterval(this.#reapTimer);
    const waited = Promise.allSettled([...this.#pending, this.#closeFailedRuns()]);
    await Promise.race([waited, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    await this.#reader.stop();
    // With runs left to close, the lease expires instead, and another node closes them.
    if (this.#client.isReady && this.#toClose.size === 0) {
      await this.store.dropLease(this.nodeId).catch(() => {});
      await Promise.allSettled([this.#subscriber.close(), this.#client.close()]);
    }
    this.#subscriber.destroy();
    this.#client.destroy();
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    void promise.finally(() => this.#pending.delete(promise)).catch(() => {});
    return promise;
  }

  #onCancel(message: string): void {
    const parsed = cancelMessage.safeParse(safeJson(message));
    if (!parsed.success) {
      this.#log.warn({ message: message.slice(0, 200) }, 'ignored a malformed cancel from Redis');
      return;
    }
    const { runId, nodeId } = parsed.data;
    if (nodeId === this.nodeId) this.#runs?.cancelLocal(runId, 'cancelled by the user');
  }

  #appendFailed(event: RunEvent, ownerId: string | undefined, error: unknown): void {
    const { threadId, runId } = event;
    if (this.#toClose.has(runId)) return;
    this.#log.error(
      { err: error, threadId, runId, seq: event.seq },
      'appending an event to Redis failed: stopping the run',
    );
    this.#runs?.cancelLocal(runId, 'the event store (Redis) failed');
    // Lost with Redis: this node closes the run once it is back. A seq conflict means another node closed it.
    if (!String(error).includes('SEQ')) {
      this.#toClose.set(runId, { threadId, runId, nodeId: this.nodeId, ...(ownerId ? { ownerId } : {}) });
    }
  }

  /** Closes this node's runs whose events Redis lost, one pass at a time; resolves when the pass ends. */
  #closeFailedRuns(): Promise<void> {
    this.#closingFailed ??= this.#closeFailedPass().finally(() => {
      this.#closingFailed = undefined;
    });
    return this.#closingFailed;
  }

  async #closeFailedPass(): Promise<void> {
    for (const [runId, run] of this.#toClose) {
      try {
        await closeOpenRun(
          this.store,
          run,
          'the event store (Redis) was unreachable while the run went on',
          this.nodeId,
        );
        await this.store.releaseRun(run);
        this.#toClose.delete(runId);
      } catch (error) {
        this.#log.warn({ err: error, runId }, 'closing a run after a Redis outage failed; retrying later');
      }
    }
  }

  async #renewLease(): Promise<void> {
    try {
      await this.store.renewLease(this.nodeId, this.#options.leaseMs ?? DEFAULT_NODE_LEASE_MS);
      if (this.#toClose.size > 0) await this.#closeFailedRuns();
    } catch (error) {
      this.#log.warn({ err: error }, 'renewing the node lease failed');
    }
  }

  /** Closes the runs of nodes whose lease expired; one pass at a time. */
  async #reapDeadNodes(): Promise<void> {
    if (this.#reaping) return;
    this.#reaping = true;
    try {
      const leaseMs = this.#options.leaseMs ?? DEFAULT_NODE_LEASE_MS;
      for (const dead of await this.store.deadNodes(this.nodeId)) {
        if (!(await this.store.claimReaping(dead, this.nodeId, Math.max(30_000, leaseMs * 6)))) continue;
        const closed = await this.#closeRunsOf(dead, 'the server running it stopped before the run finished');
        await this.store.forgetNode(dead, closed);
      }
    } catch (error) {
      this.#log.warn({ err: error }, 'checking other nodes failed');
    } finally {
      this.#reaping = false;
    }
  }

  /** Takes over a node's runs, closes those still open as interrupted and releases them; returns their ids. */
  async #closeRunsOf(nodeId: string, reason: string): Promise<string[]> {
    const runIds = await this.store.runsOfNode(nodeId);
    for (const runId of runIds) {
      const run = await this.store.run(runId);
      if (!run) continue;
      await this.store.takeOver(runId, this.nodeId);
      // A run of a new thread that died before its first event has nothing to close, only its claim.
      const closed = run.threadId !== '' && (await closeOpenRun(this.store, run, reason, this.nodeId));
      await this.store.releaseRun(run);
      if (closed) this.#log.warn({ nodeId, runId, threadId: run.threadId }, 'closed a run of a node that stopped');
    }
    return runIds;
  }
}
