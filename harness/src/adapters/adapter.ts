/**
 * The one interface every protocol adapter implements: it turns the frames a
 * page received (captured in the page, WebSocket messages and SSE events
 * alike) into the harness's normalized run events, plus the violations of its
 * protocol's own rules. The matchers, the lifecycle check, the timeline and
 * the frozen-UI check all work on the normalized events, whatever the wire.
 */
import type { RunEvent } from '../../../protocol';

/** One frame a page received, captured in the page as it arrived. */
export interface CapturedFrame {
  transport: 'websocket' | 'sse';
  /**
   * The connection it came on, numbered per page load from 1: one WebSocket,
   * or one `text/event-stream` response (one SSE request is one run, usually).
   */
  channel: number;
  /** The WebSocket's or the request's URL. */
  url: string;
  /** `performance.now()` in the page when it arrived. */
  at: number;
  /** `Date.now()` in the page when it arrived. */
  epochMs: number;
  /** A WebSocket message's text, or one SSE event's `data` (its data lines joined by "\n"). */
  data: string;
  /** The SSE event's `event:` name, when it had one. */
  event?: string;
}

/** A broken rule: the lifecycle checker's codes, or an adapter's own (e.g. `agui_verify`). */
export interface HarnessViolation {
  code: string;
  /** Human-readable, naming the run, the tool call and the event involved. */
  message: string;
  runId?: string;
  toolCallId?: string;
}

export interface AdapterResult {
  /**
   * The page load's run events in arrival order, in the normalized form (our
   * protocol's: agent_started … agent_completed). An adapter numbers `seq` per
   * thread itself when its protocol has none, and takes `ts` from `epochMs`.
   */
  events: RunEvent[];
  /** What arrived when, by event: `events[i]` arrived at `arrivals[i]` (`performance.now()` in the page). */
  arrivals: number[];
  /** Every violation: the protocol's own validation, the adapter's rules, and the lifecycle check. */
  violations: HarnessViolation[];
  /** Frames that are not valid messages of the protocol, each with why. */
  invalid: { frame: CapturedFrame; reason: string }[];
}

export interface ProtocolAdapter {
  /** Shown in messages, e.g. `ag-ui`. */
  readonly name: string;
  /** Whether a captured frame belongs to this protocol (its transport and URL, say). */
  accepts(frame: CapturedFrame): boolean;
  /** Normalizes the frames of one page load, in arrival order. */
  read(frames: readonly CapturedFrame[]): AdapterResult;
}
