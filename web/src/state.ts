/**
 * Chat page state and its pure reducer. Every server message and every local
 * action goes through `reduce`; only the touched turn is replaced, so a burst
 * of thousands of events costs O(1) allocations each.
 */
import type { RunEvent } from '../../protocol/events';
import type { ErrorMessage, ServerMessage } from '../../protocol/messages';
import { applyRunEvent, createReplayedTurn, createTurn, isTurnActive, type Turn } from './turn';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export type LocalAction =
  | { type: 'local/send'; clientMessageId: string; text: string }
  | { type: 'local/connection'; status: ConnectionStatus }
  /** Stop was clicked for this run. */
  | { type: 'local/cancel'; runId: string }
  /** The page reloaded into a known thread; its history arrives through resume. */
  | { type: 'local/restore'; threadId: string }
  /** A resume was sent; `clientMessageId` identifies its error, if any. */
  | { type: 'local/resume'; clientMessageId: string };

export type ChatAction = ServerMessage | LocalAction;

export interface GlobalError {
  /** Unique per state, for keyed rendering. */
  readonly id: number;
  readonly code: ErrorMessage['code'];
  readonly message: string;
}

export interface ChatState {
  readonly connection: ConnectionStatus;
  /** The socket has been open at least once (tells "connecting" from "reconnecting"). */
  readonly hasConnected: boolean;
  /** The thread of the conversation, from the first message_accepted; later sends reuse it. */
  readonly threadId?: string;
  /** Highest seq of the current thread applied; events at or below it are duplicates. */
  readonly lastSeq: number;
  /** The resume request in flight, if any. */
  readonly resumeId?: string;
  /** Events dropped as duplicates (seq already applied). */
  readonly duplicateEvents: number;
  readonly turns: readonly Turn[];
  /** Run events whose runId matched no turn; ignored. */
  readonly unknownRunEvents: number;
  /** The most recent errors that belong to no pending turn. */
  readonly errors: readonly GlobalError[];
  readonly errorCount: number;
}

/** Oldest global errors are dropped beyond this, so an error storm cannot flood the page. */
export const MAX_GLOBAL_ERRORS = 20;

export const initialState: ChatState = {
  connection: 'connecting',
  hasConnected: false,
  lastSeq: 0,
  duplicateEvents: 0,
  turns: [],
  unknownRunEvents: 0,
  errors: [],
  errorCount: 0,
};

/** The turn whose run is pending or in progress, if any. */
export function activeTurn(state: ChatState): Turn | undefined {
  const last = state.turns[state.turns.length - 1];
  return last && isTurnActive(last) ? last : undefined;
}

export function canSend(state: ChatState): boolean {
  return state.connection === 'open' && activeTurn(state) === undefined;
}

// Searching from the end: events almost always belong to the newest turn.
function findTurnIndex(turns: readonly Turn[], matches: (turn: Turn) => boolean): number {
  for (let index = turns.length - 1; index >= 0; index--) {
    if (matches(turns[index] as Turn)) return index;
  }
  return -1;
}

function replaceTurn(state: ChatState, index: number, turn: Turn): readonly Turn[] {
  const turns = state.turns.slice();
  turns[index] = turn;
  return turns;
}

function addGlobalError(state: ChatState, error: ErrorMessage): ChatState {
  const entry: GlobalError = { id: state.errorCount + 1, code: error.code, message: error.message };
  return { ...state, errors: [...state.errors, entry].slice(-MAX_GLOBAL_ERRORS), errorCount: entry.id };
}

function applyError(state: ChatState, error: ErrorMessage): ChatState {
  if (error.clientMessageId !== undefined && error.clientMessageId === state.resumeId) {
    // Other errors are passing: the next reconnect resumes again.
    if (error.code !== 'not_found' && error.code !== 'forbidden') return { ...state, resumeId: undefined };
    // The thread is gone or no longer ours (a lost journal, a new session): end its open turns, start afresh.
    const turns = state.turns.map((turn) =>
      isTurnActive(turn) ? { ...turn, state: 'failed' as const, error: `Could not resume: ${error.message}` } : turn,
    );
    return { ...state, turns, resumeId: undefined, threadId: undefined, lastSeq: 0 };
  }
  const { clientMessageId } = error;
  const index = clientMessageId
    ? findTurnIndex(state.turns, (turn) => turn.clientMessageId === clientMessageId && turn.state === 'pending')
    : -1;
  if (index === -1) return addGlobalError(state, error);
  const failed: Turn = { ...(state.turns[index] as Turn), state: 'failed', error: error.message };
  // A thread the server no longer knows would make every later send fail too: start a fresh one.
  const threadId = error.code === 'not_found' ? undefined : state.threadId;
  return { ...state, threadId, turns: replaceTurn(state, index, failed) };
}

function applyEvent(state: ChatState, event: RunEvent): ChatState {
  if (state.threadId !== undefined && event.threadId !== state.threadId) {
    return { ...state, unknownRunEvents: state.unknownRunEvents + 1 };
  }
  // A reconnect can replay what already arrived: seq says which events are new.
  if (event.seq <= state.lastSeq) return { ...state, duplicateEvents: state.duplicateEvents + 1 };
  const lastSeq = event.seq;
  const index = findTurnIndex(state.turns, (turn) => turn.runId === event.runId);
  if (index === -1) {
    // A run this page did not start (a replayed history, another tab) gets its turn from agent_started.
    if (event.type !== 'agent_started') return { ...state, lastSeq, unknownRunEvents: state.unknownRunEvents + 1 };
    const turn = applyRunEvent(createReplayedTurn(event.runId, event.payload.input), event);
    return { ...state, lastSeq, threadId: event.threadId, turns: [...state.turns, turn] };
  }
  const turn = applyRunEvent(state.turns[index] as Turn, event);
  return { ...state, lastSeq, turns: replaceTurn(state, index, turn) };
}

function applyConnection(state: ChatState, status: ConnectionStatus): ChatState {
  const next = { ...state, connection: status, hasConnected: state.hasConnected || status === 'open' };
  if (status !== 'closed') return next;
  // A message not yet accepted has no runId, so nothing can resume it. Running turns resume on reconnect.
  const turns = state.turns.map((turn) =>
    turn.state === 'pending'
      ? { ...turn, state: 'failed' as const, error: 'Connection lost before the message was accepted' }
      : turn,
  );
  return { ...next, turns };
}

export function reduce(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'local/send':
      return { ...state, turns: [...state.turns, createTurn(action.clientMessageId, action.text)] };
    case 'local/connection':
      return applyConnection(state, action.status);
    case 'local/cancel': {
      const index = findTurnIndex(state.turns, (turn) => turn.runId === action.runId);
      if (index === -1) return state;
      return { ...state, turns: replaceTurn(state, index, { ...(state.turns[index] as Turn), cancelRequested: true }) };
    }
    case 'local/restore':
      return { ...state, threadId: action.threadId, lastSeq: 0 };
    case 'local/resume':
      return { ...state, resumeId: action.clientMessageId };
    case 'message_accepted': {
      const { clientMessageId, runId, threadId } = action;
      const index = findTurnIndex(state.turns, (turn) => turn.clientMessageId === clientMessageId);
      if (index === -1 || state.turns[index]?.state !== 'pending') return state;
      const accepted: Turn = { ...(state.turns[index] as Turn), runId, state: 'running' };
      // A new thread numbers its events from 1 again.
      const lastSeq = threadId === state.threadId ? state.lastSeq : 0;
      return { ...state, threadId, lastSeq, turns: replaceTurn(state, index, accepted) };
    }
    case 'error':
      return applyError(state, action);
    default:
      return applyEvent(state, action);
  }
}
