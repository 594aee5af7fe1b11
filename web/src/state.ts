/**
 * Chat page state and its pure reducer. Every server message and every local
 * action goes through `reduce(state, action, now)`; only the touched turn is
 * replaced, so a burst of thousands of events costs O(1) allocations each.
 */
import type { ErrorMessage, RunEvent, ServerMessage } from '../../protocol';
import { DEFAULT_LIVENESS_SETTINGS, type LivenessSettings } from './liveness';
import { applyRunEvent, createReplayedTurn, createTurn, endTurnLocally, isTurnActive, type Turn } from './turn';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

type LocalAction =
  | { type: 'local/send'; clientMessageId: string; text: string }
  | { type: 'local/connection'; status: ConnectionStatus }
  /** Stop was clicked for this run; `clientMessageId` is the cancel message's. */
  | { type: 'local/cancel'; runId: string; clientMessageId?: string }
  /** The page reloaded into a known thread; its history arrives through resume. */
  | { type: 'local/restore'; threadId: string; switching?: boolean }
  /** A resume was sent; `clientMessageId` identifies its error, if any. */
  | { type: 'local/resume'; clientMessageId: string }
  /** Twice a second while a turn is active: elapsed times and liveness move on. */
  | { type: 'local/tick' }
  /**
   * New chat: forget the conversation on this page and start a fresh thread with
   * the next message. `cancelId` is the id of a cancel sent for the run left
   * behind, whose reply nobody is waiting for any more.
   */
  | { type: 'local/new-chat'; cancelId?: string }
  /** Nobody waits for the reply to this message (the Stop of a run the page left). */
  | { type: 'local/ignore-reply'; clientMessageId: string };

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
  /** The page is opening another past chat on a fresh socket: the reconnect is not a lost connection. */
  readonly switchingThread?: boolean;
  /** The thread of the conversation, from the first message_accepted; later sends reuse it. */
  readonly threadId?: string;
  /** Threads left with New chat: their late events are ignored. */
  readonly leftThreads: readonly string[];
  /** Ids of messages whose error replies are ignored (the cancel of a run left with New chat). */
  readonly ignoredReplies: readonly string[];
  /** Messages left with New chat before they were accepted: their runs are not this conversation's. */
  readonly leftMessages: readonly string[];
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
  /** The clock of the latest action (epoch ms): what elapsed times and liveness are measured against. */
  readonly now: number;
  readonly liveness: LivenessSettings;
}

/** Oldest global errors are dropped beyond this, so an error storm cannot flood the page. */
export const MAX_GLOBAL_ERRORS = 20;

export const initialState: ChatState = {
  connection: 'connecting',
  hasConnected: false,
  leftThreads: [],
  ignoredReplies: [],
  leftMessages: [],
  lastSeq: 0,
  duplicateEvents: 0,
  turns: [],
  unknownRunEvents: 0,
  errors: [],
  errorCount: 0,
  now: 0,
  liveness: DEFAULT_LIVENESS_SETTINGS,
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

function updateTurn(state: ChatState, index: number, update: (turn: Turn) => Turn): ChatState {
  const before = state.turns[index] as Turn;
  const after = update(before);
  return after === before ? state : { ...state, turns: replaceTurn(state, index, after) };
}

function addGlobalError(state: ChatState, error: ErrorMessage): ChatState {
  const entry: GlobalError = { id: state.errorCount + 1, code: error.code, message: error.message };
  return { ...state, errors: [...state.errors, entry].slice(-MAX_GLOBAL_ERRORS), errorCount: entry.id };
}

/** Words for the page when the server says it no longer runs a run the page still shows as running. */
export const LOST_RUN_MESSAGE = 'the server is no longer running this run, and its end never arrived';

function applyResumeError(state: ChatState, error: ErrorMessage): ChatState {
  // Other errors are passing: the next reconnect resumes again.
  if (error.code !== 'not_found' && error.code !== 'forbidden') return { ...state, resumeId: undefined };
  // The thread is gone or no longer ours (a lost journal, a new session): end its open turns, start afresh.
  const turns = state.turns.map((turn) => endTurnLocally(turn, 'failed', `Could not resume: ${error.message}`));
  return { ...state, turns, resumeId: undefined, threadId: undefined, lastSeq: 0 };
}

/** The reply to a Stop: a run the server no longer runs ends here; any other refusal lets the user try again. */
function applyCancelError(state: ChatState, index: number, error: ErrorMessage): ChatState {
  if (error.code === 'not_found') {
    return updateTurn(state, index, (turn) => endTurnLocally(turn, 'interrupted', LOST_RUN_MESSAGE));
  }
  const retry = updateTurn(state, index, (turn) => ({ ...turn, cancelRequested: false, stopRequestedAt: undefined }));
  return addGlobalError(retry, { ...error, message: `Could not stop the run: ${error.message}` });
}

function applyError(state: ChatState, error: ErrorMessage): ChatState {
  const { clientMessageId, runId } = error;
  if (clientMessageId !== undefined && state.ignoredReplies.includes(clientMessageId)) return state;
  if (clientMessageId !== undefined && clientMessageId === state.resumeId) return applyResumeError(state, error);
  if (clientMessageId !== undefined) {
    const cancelled = findTurnIndex(state.turns, (turn) => turn.cancelId === clientMessageId);
    // The run may have ended just before the Stop reached the server: then there is nothing left to settle.
    if (cancelled !== -1) {
      return isTurnActive(state.turns[cancelled] as Turn) ? applyCancelError(state, cancelled, error) : state;
    }
  }
  // An error about a run (the server could not record it, say) ends that run's turn with the reason.
  const ofRun = runId === undefined ? -1 : findTurnIndex(state.turns, (turn) => turn.runId === runId);
  if (ofRun !== -1 && isTurnActive(state.turns[ofRun] as Turn)) {
    return updateTurn(state, ofRun, (turn) => endTurnLocally(turn, 'failed', error.message));
  }
  const index = clientMessageId
    ? findTurnIndex(state.turns, (turn) => turn.clientMessageId === clientMessageId && turn.state === 'pending')
    : -1;
  if (index === -1) return addGlobalError(state, error);
  const failed: Turn = { ...(state.turns[index] as Turn), state: 'failed', error: sendErrorText(error) };
  // A thread the server no longer knows would make every later send fail too: start a fresh one.
  const threadId = error.code === 'not_found' ? undefined : state.threadId;
  return { ...state, threadId, turns: replaceTurn(state, index, failed) };
}

/** Why a message was refused, in the user's words where the server's are about ids. */
function sendErrorText(error: ErrorMessage): string {
  if (error.code === 'thread_busy') {
    return 'the previous run of this conversation is still going on the server; wait for it, or start a New chat';
  }
  return error.message;
}

function applyEvent(state: ChatState, event: RunEvent, now: number): ChatState {
  // The old socket may still deliver while the page switches chats; the new one replays from the start.
  if (state.switchingThread) return { ...state, unknownRunEvents: state.unknownRunEvents + 1 };
  const foreign =
    state.threadId !== undefined ? event.threadId !== state.threadId : state.leftThreads.includes(event.threadId);
  if (foreign) return { ...state, unknownRunEvents: state.unknownRunEvents + 1 };
  // A reconnect can replay what already arrived: seq says which events are new.
  if (event.seq <= state.lastSeq) return { ...state, duplicateEvents: state.duplicateEvents + 1 };
  const lastSeq = event.seq;
  const index = findTurnIndex(state.turns, (turn) => turn.runId === event.runId);
  if (index === -1) {
    // A run this page did not start (a replayed history, another tab) gets its turn from agent_started.
    if (event.type !== 'agent_started') return { ...state, lastSeq, unknownRunEvents: state.unknownRunEvents + 1 };
    const turn = applyRunEvent(createReplayedTurn(event, now), event, now);
    return { ...state, lastSeq, threadId: event.threadId, turns: [...state.turns, turn] };
  }
  const turn = applyRunEvent(state.turns[index] as Turn, event, now);
  return { ...state, lastSeq, turns: replaceTurn(state, index, turn) };
}

function applyConnection(state: ChatState, status: ConnectionStatus): ChatState {
  const next = {
    ...state,
    connection: status,
    hasConnected: state.hasConnected || status === 'open',
    switchingThread: status === 'open' ? undefined : state.switchingThread,
  };
  if (status !== 'closed') return next;
  // A message not yet accepted has no runId, so nothing can resume it. Running turns resume on reconnect.
  const turns = state.turns.map((turn) =>
    turn.state === 'pending'
      ? { ...turn, state: 'failed' as const, error: 'Connection lost before the message was accepted' }
      : turn,
  );
  return { ...next, turns };
}

/** A Stop the server has not confirmed in time ends the turn anyway: the user is never stuck on "Stopping…". */
function applyTick(state: ChatState, now: number): ChatState {
  const index = state.turns.length - 1;
  const turn = state.turns[index];
  const { stopTimeoutMs } = state.liveness;
  if (!turn?.cancelRequested || turn.stopRequestedAt === undefined || !isTurnActive(turn)) return state;
  if (now - turn.stopRequestedAt < stopTimeoutMs) return state;
  const reason = `the server did not confirm the stop within ${Math.round(stopTimeoutMs / 1000)} s; it may still be running there`;
  return updateTurn(state, index, (active) => endTurnLocally(active, 'interrupted', reason));
}

function applyCancel(state: ChatState, action: Extract<LocalAction, { type: 'local/cancel' }>, now: number) {
  const index = findTurnIndex(state.turns, (turn) => turn.runId === action.runId);
  if (index === -1) return state;
  return updateTurn(state, index, (turn) => ({
    ...turn,
    cancelRequested: true,
    cancelId: action.clientMessageId,
    stopRequestedAt: now,
  }));
}

/** Threads and reply ids remembered to be ignored; older ones are forgotten. */
const MAX_REMEMBERED = 20;

const remember = (list: readonly string[], item: string | undefined): readonly string[] =>
  item === undefined || list.includes(item) ? list : [...list, item].slice(-MAX_REMEMBERED);

function startNewChat(state: ChatState, cancelId: string | undefined): ChatState {
  const pending = state.turns.find((turn) => turn.state === 'pending');
  return {
    ...state,
    turns: [],
    threadId: undefined,
    lastSeq: 0,
    resumeId: undefined,
    errors: [],
    leftThreads: remember(state.leftThreads, state.threadId),
    ignoredReplies: remember(state.ignoredReplies, cancelId),
    leftMessages: remember(state.leftMessages, pending?.clientMessageId),
  };
}

/** A message left with New chat was accepted after all: its thread is not this conversation's. */
function applyLeftAcceptance(state: ChatState, threadId: string): ChatState {
  return threadId === state.threadId ? state : { ...state, leftThreads: remember(state.leftThreads, threadId) };
}

function reduceLocal(state: ChatState, action: LocalAction, now: number): ChatState {
  switch (action.type) {
    case 'local/send':
      return { ...state, turns: [...state.turns, createTurn(action.clientMessageId, action.text, now)] };
    case 'local/connection':
      return applyConnection(state, action.status);
    case 'local/cancel':
      return applyCancel(state, action, now);
    case 'local/restore':
      return { ...state, threadId: action.threadId, lastSeq: 0, switchingThread: action.switching };
    case 'local/resume':
      return { ...state, resumeId: action.clientMessageId };
    case 'local/tick':
      return applyTick(state, now);
    case 'local/new-chat':
      return startNewChat(state, action.cancelId);
    case 'local/ignore-reply':
      return { ...state, ignoredReplies: remember(state.ignoredReplies, action.clientMessageId) };
  }
}

function reduceMessage(state: ChatState, action: ServerMessage, now: number): ChatState {
  switch (action.type) {
    case 'message_accepted': {
      const { clientMessageId, runId, threadId } = action;
      if (state.leftMessages.includes(clientMessageId)) return applyLeftAcceptance(state, threadId);
      const index = findTurnIndex(state.turns, (turn) => turn.clientMessageId === clientMessageId);
      if (index === -1 || state.turns[index]?.state !== 'pending') return state;
      const accepted: Turn = { ...(state.turns[index] as Turn), runId, state: 'running', lastProgressAt: now };
      // A new thread numbers its events from 1 again.
      const lastSeq = threadId === state.threadId ? state.lastSeq : 0;
      return { ...state, threadId, lastSeq, turns: replaceTurn(state, index, accepted) };
    }
    case 'error':
      return applyError(state, action);
    case 'pong':
      return state;
    default:
      return applyEvent(state, action, now);
  }
}

function isLocal(action: ChatAction): action is LocalAction {
  return action.type.startsWith('local/');
}

/** Folds one action into the state, at `now` (epoch ms; the page's clock). */
export function reduce(state: ChatState, action: ChatAction, now: number = Date.now()): ChatState {
  const next = isLocal(action) ? reduceLocal(state, action, now) : reduceMessage(state, action, now);
  // An action that changed nothing keeps the state (and skips a render); a tick always moves the clock.
  if (next === state && action.type !== 'local/tick') return state;
  return next.now === now ? next : { ...next, now };
}
