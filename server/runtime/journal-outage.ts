/**
 * What the RunManager does when the journal cannot write (a full disk): every
 * active run fails (it can record nothing more), and every user whose run is
 * held back hears it at once, out of band. Their events, the failed
 * `agent_completed` included, are delivered only once a retry commits them.
 */
import type { ErrorMessage } from '../../protocol';
import type { EventJournal } from '../journal/event-journal';
import type { ThreadNotifier } from './notifier';
import type { RunContext } from './run-context';

export function failHeldBackRuns(journal: EventJournal, notifier: ThreadNotifier, active: Iterable<RunContext>): void {
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
