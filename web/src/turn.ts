/**
 * One turn of the conversation (a user message and the agent run it started),
 * and the pure function that folds a run event into it.
 */
import { checkRunLifecycle, type EventOf, isKeepAlive, type RunEvent, type Violation } from '../../protocol';
import { appendEvent, type EventLog, emptyEventLog, eventLogToArray } from './event-log';

type TurnState = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
type ToolCallState = 'running' | 'success' | 'error';

export interface ToolCall {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly args: unknown;
  readonly state: ToolCallState;
  /** 0..1, from the latest tool_progress. */
  readonly progress?: number;
  readonly progressMessage?: string;
  readonly durationMs?: number;
  readonly error?: string;
  /** What the tool returned, from tool_completed. */
  readonly result?: unknown;
}

export interface Thought {
  readonly text: string;
  readonly step: number;
  readonly totalSteps?: number;
}

export interface Turn {
  readonly clientMessageId: string;
  readonly userText: string;
  readonly runId?: string;
  readonly state: TurnState;
  readonly agentName?: string;
  /** Every agent_thinking of the run, in order; the last is the status line's while it runs. */
  readonly thoughts: readonly Thought[];
  readonly toolCalls: readonly ToolCall[];
  /** The streamed answer: every partial_result delta, concatenated. */
  readonly text: string;
  readonly durationMs?: number;
  readonly error?: string;
  /** Stop was clicked; the cancel is on its way. */
  readonly cancelRequested: boolean;
  /** The page ended the turn itself (its run was lost, or a Stop went unconfirmed): only a real agent_completed changes it now. */
  readonly endedLocally?: boolean;
  /** The cancel message's id, so its error reply finds this turn. */
  readonly cancelId?: string;
  /** When Stop was clicked (epoch ms, page clock); a Stop the server never confirms is settled after a bound. */
  readonly stopRequestedAt?: number;
  /** When the turn began on this page (epoch ms, page clock): the elapsed time counts from here. */
  readonly startedAt: number;
  /** When the last event that was not a keep-alive arrived (epoch ms, page clock). */
  readonly lastProgressAt: number;
  /** Keep-alives received: proof of life, never drawn as thoughts or progress. */
  readonly keepAlives: number;
  /** Highest seq applied to this turn. */
  readonly lastSeq?: number;
  readonly events: EventLog;
  /** Lifecycle violations; computed once the run's agent_completed has arrived. */
  readonly violations?: readonly Violation[];
}

export function createTurn(clientMessageId: string, userText: string, now: number): Turn {
  return {
    clientMessageId,
    userText,
    state: 'pending',
    thoughts: [],
    toolCalls: [],
    text: '',
    cancelRequested: false,
    startedAt: now,
    lastProgressAt: now,
    keepAlives: 0,
    events: emptyEventLog,
  };
}

export function isTurnActive(turn: Turn): boolean {
  return turn.state === 'pending' || turn.state === 'running';
}

const finalStateOf = {
  success: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
} as const satisfies Record<string, TurnState>;

function isEnded(turn: Turn): boolean {
  return turn.state !== 'pending' && turn.state !== 'running';
}

/**
 * A turn known only from its events (a resumed thread's history): its user
 * text is agent_started's input, and it began when the server started the run
 * (never later than now, should the clocks disagree).
 */
const REPLAYED_PREFIX = 'replay-';

/** A turn built from a replayed history (a reload, a past chat, another tab), not sent from this page. */
export function isReplayedTurn(turn: Turn): boolean {
  return turn.clientMessageId.startsWith(REPLAYED_PREFIX);
}

export function createReplayedTurn(started: EventOf<'agent_started'>, now: number): Turn {
  const turn = createTurn(`${REPLAYED_PREFIX}${started.runId}`, started.payload.input, Math.min(now, started.ts));
  return { ...turn, runId: started.runId, state: 'running' };
}

/** Running tool calls of a turn that ends without their tool_completed: none may keep spinning. */
const settleToolCalls = (calls: readonly ToolCall[], error: string): readonly ToolCall[] =>
  calls.some((call) => call.state === 'running')
    ? calls.map((call) => (call.state === 'running' ? { ...call, state: 'error' as const, error } : call))
    : calls;

/**
 * Ends a turn on the page's own authority, when its agent_completed will not
 * come (the server lost the run, a Stop was never confirmed): it stops
 * spinning, says why, and the composer is free again.
 */
export function endTurnLocally(turn: Turn, state: 'failed' | 'interrupted', error: string): Turn {
  if (!isTurnActive(turn)) return turn;
  const toolCalls = settleToolCalls(turn.toolCalls, 'no result: the run ended before this tool reported');
  return { ...turn, state, error, toolCalls, cancelRequested: false, endedLocally: true };
}

function checkTurn(events: EventLog): readonly Violation[] {
  return checkRunLifecycle(eventLogToArray(events), { requireSeqFromOne: false });
}

function updateToolCall(calls: readonly ToolCall[], toolCallId: string, update: (call: ToolCall) => ToolCall) {
  const index = calls.findIndex((call) => call.toolCallId === toolCallId);
  if (index === -1) return calls;
  const next = calls.slice();
  next[index] = update(next[index] as ToolCall);
  return next;
}

/** Folds one event of this turn's run into it, arriving at `now`; the raw event is always recorded. */
export function applyRunEvent(turn: Turn, event: RunEvent, now: number): Turn {
  const events = appendEvent(turn.events, event);
  // After agent_completed the display is final; late events only feed the lifecycle check.
  if (isEnded(turn) && turn.violations) return { ...turn, events, violations: checkTurn(events) };
  // A keep-alive proves the run is alive and changes nothing else: no trail line, no progress.
  if (isKeepAlive(event)) return { ...turn, events, lastSeq: event.seq, keepAlives: turn.keepAlives + 1 };
  // A turn the page ended stays ended: late events are recorded, and only the run's real end is drawn.
  if (turn.endedLocally && event.type !== 'agent_completed') return { ...turn, events, lastSeq: event.seq };
  return foldEvent({ ...turn, lastSeq: event.seq, lastProgressAt: now }, event, events);
}

function foldEvent(turn: Turn, event: RunEvent, events: EventLog): Turn {
  switch (event.type) {
    case 'agent_started':
      return { ...turn, events, state: 'running', agentName: event.payload.agentName };
    case 'agent_thinking': {
      const { thought: text, step, totalSteps } = event.payload;
      return { ...turn, events, thoughts: [...turn.thoughts, { text, step, totalSteps }] };
    }
    case 'tool_executing': {
      const { toolCallId, toolName, args } = event.payload;
      // A duplicate id is a violation the lifecycle check reports; keep ids unique for keyed rendering.
      if (turn.toolCalls.some((call) => call.toolCallId === toolCallId)) return { ...turn, events };
      return { ...turn, events, toolCalls: [...turn.toolCalls, { toolCallId, toolName, args, state: 'running' }] };
    }
    case 'tool_progress': {
      const { toolCallId, progress, message } = event.payload;
      const toolCalls = updateToolCall(turn.toolCalls, toolCallId, (call) =>
        call.state === 'running' ? { ...call, progress, progressMessage: message ?? call.progressMessage } : call,
      );
      return { ...turn, events, toolCalls };
    }
    case 'tool_completed': {
      const { toolCallId, toolName, status, error, durationMs, result } = event.payload;
      const finish = (call: ToolCall): ToolCall => ({ ...call, state: status, durationMs, error, result });
      const known = turn.toolCalls.some((call) => call.toolCallId === toolCallId);
      // Show a completion without its tool_executing too, so no event goes unrendered.
      const toolCalls = known
        ? updateToolCall(turn.toolCalls, toolCallId, finish)
        : [...turn.toolCalls, finish({ toolCallId, toolName, args: undefined, state: 'running' })];
      return { ...turn, events, toolCalls };
    }
    case 'partial_result':
      return { ...turn, events, text: turn.text + event.payload.delta };
    case 'agent_completed': {
      const { status, text, error, durationMs } = event.payload;
      return {
        ...turn,
        events,
        // A turn the page ended itself (a lost run) takes the server's word once it comes.
        cancelRequested: false,
        endedLocally: false,
        state: finalStateOf[status],
        text: turn.text === '' && text !== undefined ? text : turn.text,
        durationMs,
        error,
        violations: checkTurn(events),
      };
    }
  }
}
