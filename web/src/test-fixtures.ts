/** Test-only builders for run events and pre-accepted chat states (used by the unit tests). */
import type { PayloadOf, RunEvent, RunEventType } from '../../protocol';
import { type ChatAction, type ChatState, initialState, reduce } from './state';

/** Builds the events of one run with consecutive seq numbers. */
export function runEvents(runId = 'run-1', threadId = 'thread-1', firstSeq = 1) {
  let seq = firstSeq;
  return function event<T extends RunEventType>(type: T, payload: PayloadOf<T>): RunEvent {
    return { type, threadId, runId, seq: seq++, ts: 1_700_000_000_000 + seq, payload } as RunEvent;
  };
}

/** The fixed page clock of the unit tests (epoch ms). */
export const T0 = 1_700_000_000_000;

/** Applies the actions in order, all at `now`. */
export function reduceAll(state: ChatState, actions: readonly ChatAction[], now = T0): ChatState {
  return actions.reduce((current, action) => reduce(current, action, now), state);
}

/** An open connection with one sent and accepted message. */
export function acceptedState(runId = 'run-1', clientMessageId = 'c-1', threadId = 'thread-1'): ChatState {
  return reduceAll(initialState, [
    { type: 'local/connection', status: 'open' },
    { type: 'local/send', clientMessageId, text: 'Hello' },
    { type: 'message_accepted', clientMessageId, runId, threadId },
  ]);
}
