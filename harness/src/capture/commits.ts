/**
 * What the in-page recorder reports: how each turn looked after a DOM commit,
 * read through the UI map, and the page-wide indicators. Times are the page's
 * `performance.now()`, like the captured frames', so lag is one subtraction.
 */

export interface ToolCallCommit {
  /** The UI map's `toolCallIdAttribute`, when it has one. */
  id?: string;
  name: string;
  /** The UI map's `toolArgs` text, when it has one. */
  args?: string;
  /** The state read through the UI map (`running`, `success`, `error`), '' when unknown. */
  state: string;
  /** 0–100, when the UI map reads a progress value. */
  progress?: number;
}

export interface TurnCommit {
  at: number;
  /** The turn's place among the UI map's `turn` matches. */
  turnIndex: number;
  /** The UI map's `runIdAttribute`, when it has one. */
  runId?: string;
  /** The UI map's `seqAttribute`: the seq of the last event the turn drew. */
  lastSeq?: number;
  /** The turn state read through the UI map, '' when unknown. */
  state: string;
  /** The answer's text length, and its count of characters that are not white space. */
  answerLength: number;
  answerChars: number;
  /** Each thought shown, in order. */
  thoughts: string[];
  tools: ToolCallCommit[];
  /** The elapsed time shown, '' when none. */
  elapsed: string;
  /** A stall indicator shown inside the turn (a quiet or stuck notice). */
  stall: boolean;
  /** The turn says it seems stuck (the UI map's `stuckIndicator`). */
  stuck: boolean;
  /** The agent name shown (the UI map's `agentName`). */
  agentName?: string;
}

export interface PageCommit {
  at: number;
  /** A page-wide stall indicator shown (a reconnect banner). */
  stall: boolean;
  /** The UI map's `busy` selector matched. */
  busy: boolean;
}
