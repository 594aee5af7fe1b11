import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../protocol';
import { ThreadNotifier } from '../runtime/notifier';
import type { RunManager } from '../runtime/run-manager';
import { RunRejectedError } from '../runtime/run-rejected-error';
import { ClusterConnection, type ClusterConnectionHost, type ClusterMessage } from './client-connection-cluster';
import type { ClaimedClusterRun, ClusterLink } from './cluster-follow';
import { OutboundQueue } from './outbound-queue';

/** A node whose claims wait until the test lets them through, as a slow Redis would. */
function node() {
  const calls: string[] = [];
  const claims: ((claim: ClaimedClusterRun) => void)[] = [];
  const link: ClusterLink = {
    loadThread: async () => true,
    claimRun: () => new Promise((resolve) => claims.push(resolve)),
    async cancelRemote(runId) {
      calls.push(`cancel ${runId} on its node`);
    },
    framesAfter: async () => [],
    follow: (_threadId, afterSeq) => afterSeq,
    unfollow: () => {},
  };
  const runs = {
    startRun(request: { runId?: string }, onAccepted: (accepted: { threadId: string; runId: string }) => void) {
      calls.push(`start ${request.runId}`);
      onAccepted({ threadId: 't-1', runId: request.runId ?? '' });
      return { threadId: 't-1', runId: request.runId, done: new Promise(() => {}) };
    },
    cancel(runId: string) {
      if (runId !== 'r-1') throw new RunRejectedError('not_found', `run ${runId} does not exist`);
      calls.push(`cancel ${runId} here`);
    },
    lastSeqOf: () => 0,
    authorizeThread: () => {},
  } as unknown as RunManager;
  const replies: ServerMessage[] = [];
  const failures: { error: unknown; message: ClusterMessage }[] = [];
  const host: ClusterConnectionHost = {
    runs,
    notifier: new ThreadNotifier(),
    logger: pino({ level: 'silent' }),
    owner: 'u-1',
    replayGate: undefined,
    replayChunk: 10,
    outbound: new OutboundQueue({ bufferedAmount: 0, send: (_frame, written) => written(), close: () => {} }),
    closed: new AbortController().signal,
    isOpen: () => true,
    send: () => {},
    reply: (message) => replies.push(message),
    failed: (error, message) => failures.push({ error, message }),
    replayFailed: () => {},
  };
  const claim = (runId: string) => claims.shift()?.({ runId, started: () => {}, ended: () => {} });
  return { connection: new ClusterConnection(link, host), calls, claim, replies, failures };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ClusterConnection', () => {
  it("handles a socket's messages in the order they came, though the first waits on Redis", async () => {
    const { connection, calls, claim, replies } = node();
    connection.handle({ type: 'user_message', clientMessageId: 'c-1', text: 'hi' });
    connection.handle({ type: 'cancel', runId: 'r-1' });
    connection.handle({ type: 'cancel', runId: 'r-elsewhere' });
    await settle();
    expect(calls).toEqual([]); // the cancels wait behind the claim

    claim('r-1');
    await settle();
    expect(calls).toEqual(['start r-1', 'cancel r-1 here', 'cancel r-elsewhere on its node']);
    expect(replies).toEqual([{ type: 'message_accepted', clientMessageId: 'c-1', threadId: 't-1', runId: 'r-1' }]);
  });

  it('answers a message that failed, and goes on with the next', async () => {
    const { connection, calls, claim, failures } = node();
    connection.handle({ type: 'resume', threadId: 't-1', afterSeq: 0 });
    connection.handle({ type: 'resume', threadId: 't-1', afterSeq: 0 });
    connection.handle({ type: 'user_message', clientMessageId: 'c-2', text: 'hi' });
    await settle();
    claim('r-1');
    await settle();
    expect(failures).toHaveLength(1);
    expect(failures[0]?.error).toMatchObject({ code: 'thread_busy' });
    expect(calls).toEqual(['start r-1']);
  });
});
