/**
 * The shape of a tool. Tools are registered with the ToolDispatcher and can
 * only be invoked through it, which emits their tool_executing /
 * tool_completed pair.
 */
import type { z } from 'zod';

export interface ToolContext {
  /** Aborted when the run is cancelled or the tool times out. */
  signal: AbortSignal;
  /** Reports progress (0..1) of a long tool; emitted as `tool_progress`. */
  progress(progress: number, message?: string): void;
}

export interface ToolDefinition<Args = unknown, Result = unknown> {
  /** Unique name agents call the tool by, e.g. `calculator`. */
  name: string;
  /** One line, shown in docs and to planners. */
  description: string;
  /** Validates the untrusted arguments before `execute` sees them. */
  args: z.ZodType<Args>;
  /** Overrides the dispatcher's timeout for this tool. */
  timeoutMs?: number;
  /**
   * Whether the dispatcher sends "still running" progress while the tool is
   * silent; off for a tool that reports its own (a replayed one).
   * @default true
   */
  keepAlive?: boolean;
  execute(args: Args, context: ToolContext): Promise<Result> | Result;
}

/** Keeps `Args` inferred from the schema at the definition site. */
export function defineTool<Args, Result>(definition: ToolDefinition<Args, Result>): ToolDefinition<Args, Result> {
  return definition;
}
