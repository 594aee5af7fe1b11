/**
 * What the RunManager does when the journal cannot write (a full disk): every
 * active run fails (it can record nothing more), and every user whose run is
 * held back hears it at once, out of band. Their events, the failed
 * `agent_completed` included, are delivered only once a retry commits them.
 */
import type { Logger } from 'pino';
import type { ErrorMessage } from '../../protocol';
import type { EventJournal, JournalWriteFailure } from '../journal/event-journal';
import type { ThreadNotifier } from './notifier';
import type { RunContext } from './run-context';

export interface OutageContext {
  journal: EventJournal;
  notifier: ThreadNotifier;
  logger: Logger;
  /** The runs in progress, read when the failure is acted on. */
  active: () => Iterable<RunContext>;
}

/** Logs each failed attempt; on the first of an outage, fails the affected runs and tells their users. */
export function onJournalWriteFailed(
  failure: JournalWriteFailure,
  { journal, notifier, logger, active }: OutageContext,
): void {
  const retry = { reason: failure.reason, attempt: failure.attempt, retryInMs: failure.retryInMs };
  if (failure.attempt > 1) {
    logger.warn(retry, 'journal still cannot write; retrying');
    return;
  }
  logger.error(retry, 'journal cannot write: failing the affected runs and refusing new ones until it recovers');
  // Deferred: a read's commit (startRun's check for a lost run) may fail before startRun registers its run.
  queueMicrotask(() => failHeldBackRuns(journal, notifier, active()));
}

function failHeldBackRuns(journal: EventJournal, notifier: ThreadNotifier, active: Iterable<RunContext>): void {
  const failure = journal.writeFailure;
  if (!failure) return; // recovered in the meantime
  const stopped = `the server could not save this run (${failure.cause}); it was stopped`;
  const heldBack = `the server could not save this run (${failure.cause}); its result will follow once it can`;
  const affected = new Map(journal.pendingRuns().map((run) => [run.runId, { ...run, message: heldBack }]));
  for (const context of active) {
    context.fail(stopped);
    affected.set(context.runId, { threadId: context.threadId, runId: context.runId, message: stopped });
  }
  for (const { threadId, runId, message } of affected.values()) {
    const notice: ErrorMessage = { type: 'error', code: 'unavailable', message, runId };
    notifier.notice(threadId, runId, JSON.stringify(notice));
  }
}
