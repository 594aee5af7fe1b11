/**
 * Immutable append-only list of a run's raw events. Appending is O(1) and never
 * copies, so a burst of thousands of events stays cheap while every older state
 * still sees exactly the events it had.
 */
import type { RunEvent } from '../../protocol';

export type EventLog = { readonly event: RunEvent; readonly before: EventLog; readonly length: number } | null;

export const emptyEventLog: EventLog = null;

export function appendEvent(log: EventLog, event: RunEvent): EventLog {
  return { event, before: log, length: (log?.length ?? 0) + 1 };
}

export function eventLogLength(log: EventLog): number {
  return log?.length ?? 0;
}

/** The events in arrival order. */
export function eventLogToArray(log: EventLog): RunEvent[] {
  const events = new Array<RunEvent>(eventLogLength(log));
  for (let node = log, index = events.length - 1; node !== null; node = node.before, index--) {
    events[index] = node.event;
  }
  return events;
}
