/**
 * The event store of a server that is one node of several (REDIS_URL): one
 * Redis stream per thread, whose entry ids are the events' seqs (`<seq>-0`),
 * plus the thread's meta (owner, last seq, title, active run), each user's
 * runs in progress, and each node's runs. Every write that must be atomic
 * across nodes is a Lua script: an append checks that its seq follows the
 * last one (no gap, no duplicate, whichever node writes), and a claim checks
 * that the thread is idle and the user under its cap before it records a run.
 * Scripts go by EVAL, not EVALSHA: a NOSCRIPT retry would send an append after
 * the ones behind it, out of seq order.
 */
import type { RedisClientType } from 'redis';
import type { RunEvent } from '../../protocol';
import type { ThreadSummary } from '../journal/thread-list';
import { TITLE_MAX } from '../journal/thread-list';

/** Entries a thread's stream keeps at most (XADD MAXLEN ~): older events are trimmed. */
const DEFAULT_STREAM_MAX_EVENTS = 100_000;

export type RedisClient = RedisClientType;

/** Where a run executes and whose it is: what a cancel from another node and a dead node's reaper need. */
export interface ClusterRun {
  runId: string;
  threadId: string;
  nodeId: string;
  ownerId?: string;
}

export type ClaimResult =
  | { ok: true /** The thread's last seq when the claim took it: the run goes on from there. */; lastSeq: number }
  | { ok: false; code: 'thread_busy' | 'rate_limited'; message: string };

const keys = {
  stream: (threadId: string) => `aeh:thread:${threadId}:events`,
  thread: (threadId: string) => `aeh:thread:${threadId}`,
  userThreads: (ownerId: string) => `aeh:user:${ownerId}:threads`,
  userRuns: (ownerId: string) => `aeh:user:${ownerId}:runs`,
  run: (runId: string) => `aeh:run:${runId}`,
  nodeRuns: (nodeId: string) => `aeh:node:${nodeId}:runs`,
  lease: (nodeId: string) => `aeh:node:${nodeId}:lease`,
  reaping: (nodeId: string) => `aeh:node:${nodeId}:reaping`,
  nodes: 'aeh:nodes',
};

/** Channel on which a cancel travels to the node that runs the run. */
export const CANCEL_CHANNEL = 'aeh:cancel';

// KEYS: stream, thread, user threads ('' when unowned), run. ARGV: seq, frame, max entries, ts, title, touch,
// thread id, writer node. Only the node the run is recorded to may write it: once another node has taken a run
// over (its node died) or it was released, a late write from the old node is refused.
const APPEND = `
if redis.call('HGET', KEYS[4], 'node') ~= ARGV[8] then return redis.error_reply('SEQ this node no longer owns the run') end
local last = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0')
local seq = tonumber(ARGV[1])
if last ~= seq - 1 then return redis.error_reply('SEQ the next seq of this thread is ' .. (last + 1)) end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], ARGV[1] .. '-0', 'f', ARGV[2])
redis.call('HSET', KEYS[2], 'seq', seq, 'updatedAt', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSETNX', KEYS[2], 'title', ARGV[5]) end
if ARGV[6] == '1' and KEYS[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[7]) end
return seq`;

// KEYS: thread ('' for a new one), user runs, node runs, run. ARGV: run id, max runs (0: none), node, thread, owner.
const CLAIM = `
if KEYS[1] ~= '' then
  local active = redis.call('HGET', KEYS[1], 'activeRun')
  if active then return 'thread_busy:' .. active end
end
local max = tonumber(ARGV[2])
if max > 0 and redis.call('SCARD', KEYS[2]) >= max then return 'rate_limited' end
local seq = '0'
if KEYS[1] ~= '' then
  redis.call('HSET', KEYS[1], 'activeRun', ARGV[1])
  seq = redis.call('HGET', KEYS[1], 'seq') or '0'
end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], 'node', ARGV[3], 'thread', ARGV[4], 'owner', ARGV[5])
return 'ok:' .. seq`;

// KEYS: thread, user runs, node runs, run. ARGV: run id.
const RELEASE = `
if redis.call('HGET', KEYS[1], 'activeRun') == ARGV[1] then redis.call('HDEL', KEYS[1], 'activeRun') end
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[4])
return 1`;

/** The first run's input as a thread's title (as the SQLite thread list does), or '' for other events. */
function titleOf(event: RunEvent): string {
  if (event.type !== 'agent_started') return '';
  const text = event.payload.input.replace(/\s+/g, ' ').trim() || event.payload.agentName;
  return text.length > TITLE_MAX ? `${text.slice(0, TITLE_MAX - 1)}…` : text;
}

/** A stream entry id's seq (`12-0` → 12). */
export const seqOfId = (id: string): number => Number.parseInt(id, 10);

export class RedisStore {
  constructor(
    readonly client: RedisClient,
    /** @default DEFAULT_STREAM_MAX_EVENTS (100,000) */
    private readonly maxStreamEvents = DEFAULT_STREAM_MAX_EVENTS,
  ) {}

  /**
   * Appends one event of a run recorded to `writer`; rejects (SEQ …) when its seq does not follow the
   * thread's last one, or when the run is no longer `writer`'s.
   */
  async append(event: RunEvent, frame: string, ownerId: string | undefined, writer: string): Promise<void> {
    const touch = event.type === 'agent_started' || event.type === 'agent_completed' ? '1' : '0';
    await this.client.eval(APPEND, {
      keys: [
        keys.stream(event.threadId),
        keys.thread(event.threadId),
        ownerId ? keys.userThreads(ownerId) : '',
        keys.run(event.runId),
      ],
      arguments: [
        String(event.seq),
        frame,
        String(this.maxStreamEvents),
        String(event.ts),
        titleOf(event),
        touch,
        event.threadId,
        writer,
      ],
    });
  }

  /** Records a new thread's owner; sent before its first event on the same connection, so it lands first. */
  async recordThread(threadId: string, ownerId: string | undefined): Promise<void> {
    await this.client.hSet(keys.thread(threadId), { seq: 0, owner: ownerId ?? '', updatedAt: Date.now() });
  }

  /** A thread's owner and last seq; undefined when no node has created it. */
  async thread(threadId: string): Promise<{ ownerId?: string; lastSeq: number; activeRun?: string } | undefined> {
    const meta = await this.client.hGetAll(keys.thread(threadId));
    if (meta.seq === undefined) return undefined;
    return {
      lastSeq: Number(meta.seq),
      ...(meta.owner ? { ownerId: meta.owner } : {}),
      ...(meta.activeRun ? { activeRun: meta.activeRun } : {}),
    };
  }

  /** Serialized events of a thread with seq greater than `afterSeq`, in order, at most `limit`. */
  async framesAfter(threadId: string, afterSeq: number, limit: number): Promise<{ seq: number; frame: string }[]> {
    const entries = await this.client.xRange(keys.stream(threadId), `${afterSeq + 1}-0`, '+', { COUNT: limit });
    return (entries ?? []).map((entry) => ({ seq: seqOfId(entry.id), frame: String(entry.message?.f) }));
  }

  /** The last `limit` events of a thread, newest first, ending at `beforeSeq` (exclusive) when given. */
  async framesBefore(threadId: string, beforeSeq: number | undefined, limit: number): Promise<string[]> {
    const end = beforeSeq === undefined ? '+' : `(${beforeSeq}-0`;
    const entries = await this.client.xRevRange(keys.stream(threadId), end, '-', { COUNT: limit });
    return (entries ?? []).map((entry) => String(entry.message?.f));
  }

  async threadsOf(ownerId: string, limit: number): Promise<ThreadSummary[]> {
    const ids = await this.client.zRange(keys.userThreads(ownerId), 0, limit - 1, { REV: true });
    const metas = await Promise.all(ids.map((id) => this.client.hmGet(keys.thread(id), ['title', 'updatedAt'])));
    return ids.flatMap((threadId, i) => {
      const [title, updatedAt] = metas[i] ?? [];
      return title ? [{ threadId, title: String(title), updatedAt: Number(updatedAt) }] : [];
    });
  }

  /** Records a run before it starts, if its thread is idle and its user under `maxRunsPerUser` (0: no cap). */
  async claimRun(run: ClusterRun, threadKnown: boolean, maxRunsPerUser: number): Promise<ClaimResult> {
    const owner = run.ownerId ?? '';
    const result = String(
      await this.client.eval(CLAIM, {
        keys: [
          threadKnown ? keys.thread(run.threadId) : '',
          keys.userRuns(owner),
          keys.nodeRuns(run.nodeId),
          keys.run(run.runId),
        ],
        arguments: [run.runId, String(owner ? maxRunsPerUser : 0), run.nodeId, run.threadId, owner],
      }),
    );
    if (result.startsWith('ok:')) return { ok: true, lastSeq: Number(result.slice(3)) };
    if (result === 'rate_limited') {
      return {
        ok: false,
        code: 'rate_limited',
        message: `at most ${maxRunsPerUser} runs may be in progress at once, across all servers`,
      };
    }
    const active = result.slice('thread_busy:'.length);
    return { ok: false, code: 'thread_busy', message: `thread ${run.threadId} already has run ${active} in progress` };
  }

  /** A new thread's run: its thread id is known once the run has started. */
  async setRunThread(runId: string, threadId: string): Promise<void> {
    await Promise.all([
      this.client.hSet(keys.run(runId), 'thread', threadId),
      this.client.hSet(keys.thread(threadId), 'activeRun', runId),
    ]);
  }

  /** Forgets a run that has ended (after its last event, which was sent first on the same connection). */
  async releaseRun(run: ClusterRun): Promise<void> {
    await this.client.eval(RELEASE, {
      keys: [
        keys.thread(run.threadId),
        keys.userRuns(run.ownerId ?? ''),
        keys.nodeRuns(run.nodeId),
        keys.run(run.runId),
      ],
      arguments: [run.runId],
    });
  }

  async run(runId: string): Promise<ClusterRun | undefined> {
    const meta = await this.client.hGetAll(keys.run(runId));
    if (!meta.node) return undefined;
    return { runId, threadId: meta.thread ?? '', nodeId: meta.node, ...(meta.owner ? { ownerId: meta.owner } : {}) };
  }

  // Nodes: a lease each, refreshed while the node lives; a node whose lease expired is dead.

  async renewLease(nodeId: string, ttlMs: number): Promise<void> {
    await this.client.set(keys.lease(nodeId), String(Date.now()), { PX: ttlMs });
    await this.client.sAdd(keys.nodes, nodeId);
  }

  async dropLease(nodeId: string): Promise<void> {
    await this.client.del(keys.lease(nodeId));
    await this.client.sRem(keys.nodes, nodeId);
  }

  /** Nodes other than `self` whose lease has expired. */
  async deadNodes(self: string): Promise<string[]> {
    const nodes = (await this.client.sMembers(keys.nodes)).filter((node) => node !== self);
    const alive = await Promise.all(nodes.map((node) => this.client.exists(keys.lease(node))));
    return nodes.filter((_, i) => alive[i] === 0);
  }

  /** Takes the job of closing a dead node's runs; false when another node has it (for `ttlMs`). */
  async claimReaping(deadNode: string, self: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(keys.reaping(deadNode), self, { NX: true, PX: ttlMs })) === 'OK';
  }

  /** Records a dead node's run to `nodeId`, which closes it: the dead node's late writes are refused. */
  async takeOver(runId: string, nodeId: string): Promise<void> {
    await this.client.hSet(keys.run(runId), 'node', nodeId);
  }

  async runsOfNode(nodeId: string): Promise<string[]> {
    return this.client.sMembers(keys.nodeRuns(nodeId));
  }

  /** Forgets a dead node once the runs it had are closed (only those: it may be back, with new ones). */
  async forgetNode(nodeId: string, runIds: readonly string[]): Promise<void> {
    if (runIds.length > 0) await this.client.sRem(keys.nodeRuns(nodeId), [...runIds]);
    await this.client.sRem(keys.nodes, nodeId);
  }

  /** Stream key of a thread, for the reader. */
  static streamKey(threadId: string): string {
    return keys.stream(threadId);
  }
}
