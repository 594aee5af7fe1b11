/**
 * A UI map: the few CSS selectors that tell the harness where a page draws a
 * run. With them, `toHaveRendered`, `toCompleteRun`, `toRenderWithin` and the
 * frozen-UI check work on any chat page. Selectors, not Locators, because the
 * in-page recorder reads the DOM with them at every commit.
 */

export type TurnState = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
export type ToolCallState = 'running' | 'success' | 'error';

/**
 * How to read a state off an element: an attribute's value (mapped through
 * `values`, or taken as is), or, per state, a selector that matches the
 * element itself or something inside it. The first state whose selector
 * matches wins.
 */
export interface StateReader<S extends string> {
  attribute?: string;
  values?: Readonly<Record<string, S>>;
  selectors?: Readonly<Partial<Record<S, string>>>;
}

export interface UiMap {
  /**
   * Every assistant turn on the page, in order. The k-th run of a page load is
   * drawn in the k-th match, unless `runIdAttribute` names the run exactly.
   */
  turn: string;
  /** An attribute of the turn that holds its run id (our page: `data-run-id`). */
  runIdAttribute?: string;
  /** Inside a turn: the answer text; several matches (one per text part) are read in order, joined. */
  answer: string;
  /**
   * How the page draws the streamed text: as is, or rendered from markdown (then the drawn text is
   * compared with the markdown's text, and a delta's arrival is read from `seqAttribute`). @default 'text'
   */
  answerFormat?: 'text' | 'markdown';
  /** An attribute of the turn holding the seq of the last event it drew (our page: `data-last-seq`). */
  seqAttribute?: string;
  /** Inside a turn: one element per thought, when the page shows them. */
  thought?: string;
  /** Inside a turn: one element per tool call, in call order. */
  toolCall?: string;
  /** Inside a tool call: its name. */
  toolName?: string;
  /** Inside a tool call: its arguments as text (compared after JSON parsing when they parse). */
  toolArgs?: string;
  /** A tool call's state. */
  toolState?: StateReader<ToolCallState>;
  /** An attribute of a tool call that holds its id (our page: `data-tool-call-id`); else calls match by order. */
  toolCallIdAttribute?: string;
  /** Inside a tool call: its progress, 0–100, in an attribute of the matched element. */
  toolProgress?: { selector: string; attribute: string };
  /** A turn's state. Without it, a turn counts as running while `busy` matches and as ended after. */
  turnState?: StateReader<TurnState>;
  /** Anywhere on the page: matches while a run is in progress (a spinner, a visible Stop button). */
  busy?: string;
  /**
   * Anywhere on the page: shown when the page tells the user that something is
   * slow or wrong for every turn (a reconnect banner). The frozen-UI check
   * counts it as a sign of life.
   */
  stallIndicator?: string;
  /** Inside a turn: the same for one turn (a "still working" or "seems stuck" note). */
  turnStallIndicator?: string;
  /** Inside a turn: the agent's name, when the page shows it (then `agent_started` must draw it). */
  agentName?: string;
  /** Inside a turn: the elapsed time, when the page shows one (then the frozen-UI check requires it). */
  elapsed?: string;
  /** Inside a turn (or the turn itself): shown when the page says the run seems stuck; `stuckWithinMs` requires it. */
  stuckIndicator?: string;
  /** Where the user types and sends. */
  composer: { input: string; send: string; stop?: string };
}
