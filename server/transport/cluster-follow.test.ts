import { describe, expect, it } from 'vitest';
import { ThreadNotifier } from '../runtime/notifier';
import { ClusterFollow, type ClusterLink } from './cluster-follow';
import { OutboundQueue } from './outbound-queue';

/** An event as another builder might write it: seq after the payload, type last. */
const event = (seq: number) =>
  JSON.stringify({
    payload: { thought: `t${seq}`, step: 1 },
    seq,
    ts: 0,
    runId: 'r',
    threadId: 't',
    type: 'agent_thinking',
  });

/** A thread's stream of five events on Redis, read as Cluster reads it; a second read of the same place is a bug. */
function streamOf(count: number) {
  const frames = Array.from({ length: count }, (_, i) => event(i + 1));
  const reads: number[] = [];
  const link: ClusterLink = {
    loadThread: async () => true,
    claimRun: () => Promise.reject(new Error('not used')),
    cancelRemote: async () => {},
    async framesAfter(_threadId, afterSeq, limit) {
      if (reads.includes(afterSeq)) throw new Error(`read the stream after ${afterSeq} twice`);
      reads.push(afterSeq);
      return frames.slice(afterSeq, afterSeq + limit);
    },
    follow: (_threadId, afterSeq) => afterSeq,
    unfollow: () => {},
  };
  return { link, reads };
}

describe('ClusterFollow', () => {
  it('replays, goes live and drops what it already sent, whatever the order of the events keys', async () => {
    const { link, reads } = streamOf(5);
    const notifier = new ThreadNotifier();
    const sent: string[] = [];
    const outbound = new OutboundQueue({
      bufferedAmount: 0,
      send: (frame, written) => {
        sent.push(frame);
        queueMicrotask(() => written());
      },
      close: () => {},
    });
    const follow = new ClusterFollow(link, notifier, {
      send: (frame) => sent.push(frame),
      outbound,
      isOpen: () => true,
    });

    await expect(follow.resume('t', 0, 2, new AbortController().signal)).resolves.toBe(5);
    expect(reads).toEqual([0, 2, 4]);
    notifier.publish('t', event(5)); // already replayed
    notifier.publish('t', event(6));
    expect(sent.map((frame) => (JSON.parse(frame) as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
