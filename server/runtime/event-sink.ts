/**
 * The one path of a run's events: the RunManager hands every event to an
 * EventSink, which saves it and only then delivers it to the sockets. The
 * journal (SQLite) is one; a cluster node's Redis store is the other.
 */
import type { RunEvent } from '../../protocol';

export interface EventSink {
  /** Records who owns a new thread, before its first event. */
  recordThread(threadId: string, ownerId: string): void;
  /** Saves one event (`frame` is its serialized form, as sent); never throws for a failed write. */
  append(event: RunEvent, frame: string, ownerId: string | undefined): void;
  /** Why new runs cannot be saved now, for users; undefined while they can. */
  unavailable(): string | undefined;
}
