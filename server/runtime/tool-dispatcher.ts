/**
 * ToolDispatcher: the only way to run a tool. Every invocation emits
 * `tool_executing` first and exactly one `tool_completed` last, whether the
 * tool succeeds, throws, times out or is aborted.
 */
import { z } from 'zod';
import type { PayloadOf } from '../../protocol';
import { describeIssues } from '../../protocol';
import type { ToolContext, ToolDefinition } from '../tools/tool';
import { abortableWait } from './abortable-wait';

/** Default time a tool may run before it is aborted and reported as an error. */
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

/** A tool silent this long gets a keep-alive `tool_progress`, so it never looks dead. */
const DEFAULT_TOOL_KEEPALIVE_MS = 2_000;

export interface ToolDispatcherOptions {
  /**
   * Time a tool may run before it is aborted; a tool's own `timeoutMs` wins.
   * @default DEFAULT_TOOL_TIMEOUT_MS (30 s)
   */
  timeoutMs?: number;
  /**
   * Silence after which a running tool gets a keep-alive `tool_progress`
   * (its last progress, with "still running").
   * @default DEFAULT_TOOL_KEEPALIVE_MS (2 s)
   */
  keepAliveMs?: number;
}

/** Where the dispatcher reports a call's events; a run context implements it. */
export interface ToolEventSink {
  emit(type: 'tool_executing', payload: PayloadOf<'tool_executing'>): void;
  emit(type: 'tool_progress', payload: PayloadOf<'tool_progress'>): void;
  emit(type: 'tool_completed', payload: PayloadOf<'tool_completed'>): void;
}

export interface ToolCall {
  toolCallId: string;
  toolName: string;
  args: unknown;
}

/** A tool as a model sees it: the function declaration of an OpenAI-style `tools` entry. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) of the arguments, from the tool's zod `args`. */
  parameters: Record<string, unknown>;
}

export type ToolOutcome =
  | { ok: true; toolCallId: string; toolName: string; result: unknown }
  | { ok: false; toolCallId: string; toolName: string; error: string };

class ToolFailure extends Error {}

export class ToolDispatcher {
  readonly #tools = new Map<string, ToolDefinition>();
  readonly #timeoutMs: number;
  readonly #keepAliveMs: number;

  constructor(tools: readonly ToolDefinition[] = [], options: ToolDispatcherOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    this.#keepAliveMs = options.keepAliveMs ?? DEFAULT_TOOL_KEEPALIVE_MS;
    for (const tool of tools) this.register(tool);
  }

  register<Args, Result>(tool: ToolDefinition<Args, Result>): void {
    if (this.#tools.has(tool.name)) throw new Error(`tool "${tool.name}" is already registered`);
    this.#tools.set(tool.name, tool as ToolDefinition);
  }

  has(name: string): boolean {
    return this.#tools.has(name);
  }

  /** Name and description of every tool, for docs and planners. */
  list(): { name: string; description: string }[] {
    return [...this.#tools.values()].map(({ name, description }) => ({ name, description }));
  }

  /**
   * Every tool as a model sees it, its parameters converted from its zod `args`. It describes what
   * the model may send (`io: 'input'`: defaults are optional); a part JSON Schema cannot express
   * (a transform, a refinement) becomes "any", since the dispatcher still validates every call.
   */
  specs(): ToolSpec[] {
    return [...this.#tools.values()].map(({ name, description, args }) => {
      const { $schema: _dialect, ...parameters } = z.toJSONSchema(args, { io: 'input', unrepresentable: 'any' });
      return { name, description, parameters };
    });
  }

  /**
   * Runs one tool call, reporting its events to `sink`. Never rejects.
   * `ownTool` runs a tool the agent brought (not registered), with the same events.
   */
  async invoke(
    call: ToolCall,
    sink: ToolEventSink,
    runSignal: AbortSignal,
    ownTool?: ToolDefinition,
  ): Promise<ToolOutcome> {
    const { toolCallId, toolName } = call;
    const { args: jsonArgs, error: argsError } = toJsonArgs(call.args);
    sink.emit('tool_executing', { toolCallId, toolName, args: jsonArgs });
    const startedAt = performance.now();
    const complete = (payload: Pick<PayloadOf<'tool_completed'>, 'status' | 'result' | 'error'>) => {
      const durationMs = Math.round((performance.now() - startedAt) * 10) / 10;
      sink.emit('tool_completed', { toolCallId, toolName, ...payload, durationMs });
    };
    let running: RunningCall | undefined;
    try {
      const { tool, args } = this.#validate(toolName, jsonArgs, argsError, ownTool);
      running = new RunningCall(toolCallId, sink, runSignal, startedAt, {
        timeoutMs: tool.timeoutMs ?? this.#timeoutMs,
        keepAliveMs: tool.keepAlive === false ? undefined : this.#keepAliveMs,
      });
      const value = resultAsJson(await running.execute(tool, args));
      complete({ status: 'success', result: value });
      return { ok: true, toolCallId, toolName, result: value };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      complete({ status: 'error', error: message });
      return { ok: false, toolCallId, toolName, error: message };
    } finally {
      // Only after tool_completed: a tool woken by this final abort finds its call already over.
      running?.close();
    }
  }

  /** The tool to run and its parsed arguments, or a ToolFailure saying why the call cannot run. */
  #validate(
    toolName: string,
    jsonArgs: unknown,
    argsError: string | undefined,
    ownTool: ToolDefinition | undefined,
  ): { tool: ToolDefinition; args: unknown } {
    const tool = ownTool ?? this.#tools.get(toolName);
    if (!tool) throw new ToolFailure(`unknown tool "${toolName}"`);
    if (argsError) throw new ToolFailure(argsError);
    const args = tool.args.safeParse(jsonArgs);
    if (!args.success) throw new ToolFailure(`invalid arguments: ${describeIssues(args.error)}`);
    return { tool, args: args.data };
  }
}

/**
 * One call while its tool runs, and the only owner of its timers and listeners:
 * the signal the tool sees (aborted by the run, by the timeout, or once the call
 * is over), the timeout, the keep-alive and the link to the run's signal.
 * `close()` releases them all.
 */
class RunningCall {
  readonly #controller = new AbortController();
  readonly #toolCallId: string;
  readonly #sink: ToolEventSink;
  readonly #runSignal: AbortSignal;
  readonly #startedAt: number;
  readonly #onRunAbort = () => this.#abort(abortMessage(this.#runSignal.reason));
  readonly #timeout: NodeJS.Timeout;
  readonly #keepAlive: NodeJS.Timeout | undefined;
  #lastProgress = 0;
  #lastReportAt = performance.now();

  constructor(
    toolCallId: string,
    sink: ToolEventSink,
    runSignal: AbortSignal,
    startedAt: number,
    limits: { timeoutMs: number; keepAliveMs: number | undefined },
  ) {
    this.#toolCallId = toolCallId;
    this.#sink = sink;
    this.#runSignal = runSignal;
    this.#startedAt = startedAt;
    const { timeoutMs, keepAliveMs } = limits;
    // A ref'd global timer, not AbortSignal.timeout: that one is unref'd and invisible to fake timers.
    this.#timeout = setTimeout(() => this.#abort(`timed out after ${timeoutMs} ms`), timeoutMs);
    if (runSignal.aborted) this.#onRunAbort();
    else runSignal.addEventListener('abort', this.#onRunAbort, { once: true });
    this.#keepAlive =
      keepAliveMs === undefined ? undefined : setInterval(() => this.#keepAliveTick(keepAliveMs), keepAliveMs / 2);
  }

  /** Runs the tool; settles when its signal aborts even if the tool ignores it. */
  execute(tool: ToolDefinition, args: unknown): Promise<unknown> {
    const signal = this.#controller.signal;
    const context: ToolContext = {
      signal,
      progress: (progress, message) => {
        if (signal.aborted) return;
        this.#report(Number.isFinite(progress) ? Math.min(1, Math.max(0, progress)) : 0, message);
      },
    };
    const execution = Promise.resolve().then(() => {
      signal.throwIfAborted();
      return tool.execute(args, context);
    });
    return abortableWait(execution, signal);
  }

  close(): void {
    clearTimeout(this.#timeout);
    clearInterval(this.#keepAlive);
    this.#runSignal.removeEventListener('abort', this.#onRunAbort);
    // Tells a tool still running in the background (after a timeout) to stop.
    this.#abort('tool call finished');
  }

  #abort(message: string): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(new ToolFailure(message));
  }

  #keepAliveTick(keepAliveMs: number): void {
    if (this.#controller.signal.aborted || performance.now() - this.#lastReportAt < keepAliveMs) return;
    const runningS = Math.round((performance.now() - this.#startedAt) / 1000);
    this.#report(this.#lastProgress, `still running (${runningS} s)`, true);
  }

  #report(progress: number, message?: string, keepAlive?: true): void {
    this.#lastProgress = progress;
    this.#lastReportAt = performance.now();
    this.#sink.emit('tool_progress', {
      toolCallId: this.#toolCallId,
      progress,
      ...(message ? { message } : {}),
      ...(keepAlive && { keepAlive }),
    });
  }
}

function abortMessage(reason: unknown): string {
  return reason instanceof Error ? reason.message : 'run aborted';
}

/** Arguments travel in `tool_executing`; ones JSON cannot carry are sent as null and fail the call. */
function toJsonArgs(args: unknown): { args: unknown; error?: string } {
  try {
    return { args: toJsonValue(args) ?? null };
  } catch (error) {
    return { args: null, error: `arguments are ${(error as Error).message}` };
  }
}

/** A tool's result as it travels in `tool_completed`; one JSON cannot carry fails the call. */
function resultAsJson(result: unknown): unknown {
  try {
    return toJsonValue(result);
  } catch (error) {
    throw new ToolFailure(`result is ${(error as Error).message}`);
  }
}

/** Results travel as JSON; reject what JSON cannot carry instead of failing at send time. */
function toJsonValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch (error) {
    throw new ToolFailure(`not JSON-serializable: ${(error as Error).message}`);
  }
}
