/**
 * A RunManager for unit tests on the production event path: an in-memory
 * journal (or the test's own) that delivers committed events to a notifier,
 * and the fault filter wrapped around it when faults are on.
 */
import { pino } from 'pino';
import { RunFaults } from '../faults/run-faults';
import { EventJournal, type EventJournalOptions } from '../journal/event-journal';
import { ThreadNotifier } from '../runtime/notifier';
import { RunManager, type RunManagerOptions } from '../runtime/run-manager';

export interface TestRunManagerOptions
  extends Omit<RunManagerOptions, 'events' | 'journal' | 'notifier' | 'logger' | 'faults'> {
  /** The journal's options (`path` defaults to `:memory:`); the kit wires `deliver` to the notifier. */
  journal?: Partial<EventJournalOptions>;
  faults?: boolean;
}

export function createTestRunManager(options: TestRunManagerOptions) {
  const { journal: journalOptions, faults: faultsOn, ...rest } = options;
  const notifier = new ThreadNotifier();
  const journal = new EventJournal({
    path: ':memory:',
    ...journalOptions,
    deliver: (threadId, frame) => notifier.publish(threadId, frame),
  });
  // A listener's throw is swallowed in production (and logged); here it fails the test, out of band.
  journal.on('listenerFailed', (error) => {
    queueMicrotask(() => {
      throw error;
    });
  });
  const faults = faultsOn ? new RunFaults() : undefined;
  const runs = new RunManager({
    ...rest,
    notifier,
    logger: pino({ level: 'silent' }),
    journal,
    events: faults ? faults.wrap(journal) : journal,
    faults,
  });
  return { runs, journal, notifier };
}

/** Resolves once the journal's scheduled commit has delivered what was appended before the call. */
export const committed = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
