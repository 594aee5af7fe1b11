/**
 * What an agent is and what it may do during a run. Agents only see
 * AgentContext, which has no way to emit tool events or to reach a tool other
 * than through the dispatcher.
 */
import type { ToolDefinition } from '../tools/tool';
import type { ToolOutcome } from './tool-dispatcher';

export interface ThinkOptions {
  /** Total planned steps, shown as "step/total". */
  totalSteps?: number;
}

export interface ToolRequest {
  toolName: string;
  args: unknown;
}

export interface AgentContext {
  readonly threadId: string;
  readonly runId: string;
  /** The user's text (after routing, e.g. without a `/scenario` prefix). */
  readonly input: string;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  /** Emits `agent_thinking`; steps are numbered from 1. */
  think(thought: string, options?: ThinkOptions): void;
  /** Runs one tool; its events are emitted for you. Resolves, even when the tool fails. */
  callTool(toolName: string, args: unknown): Promise<ToolOutcome>;
  /**
   * Runs a tool the agent defines itself (e.g. a replayed one) instead of a
   * registered one; it still goes through the dispatcher, with the same events.
   */
  runOwnTool<Args, Result>(tool: ToolDefinition<Args, Result>, args: unknown): Promise<ToolOutcome>;
  /** Runs several tools concurrently. */
  callTools(requests: readonly ToolRequest[]): Promise<ToolOutcome[]>;
  /** Streams answer text as a `partial_result` delta. */
  stream(delta: string): void;
  /** Waits, unless the run is cancelled first. */
  pause(ms: number): Promise<void>;
}

export interface Agent {
  /** Unique name, sent in `agent_started`. */
  readonly name: string;
  /** One line describing the agent. */
  readonly description: string;
  /** Throwing fails the run; the answer is whatever was streamed. */
  run(context: AgentContext): Promise<void>;
}

/** Raised by AgentContext methods once the run has been cancelled. */
export class RunCancelledError extends Error {
  constructor(message = 'run cancelled') {
    super(message);
    this.name = 'RunCancelledError';
  }
}
