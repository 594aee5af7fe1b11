/**
 * RunContext: executes one agent run and owns its lifecycle. It emits
 * `agent_started` first and exactly one `agent_completed` last, and it waits
 * for every tool call to report `tool_completed` before completing.
 */
import type { AgentCompletedStatus, PayloadOf, RunEventType } from '../../protocol';
import type { ToolDefinition } from '../tools/tool';
import { abortableWait } from './abortable-wait';
import { type Agent, type AgentContext, RunCancelledError, type ThinkOptions, type ToolRequest } from './agent';
import type { ToolDispatcher, ToolEventSink, ToolOutcome } from './tool-dispatcher';

/** A run silent this long (and not in a tool) repeats its current thought as a keep-alive, so it never looks dead. */
const DEFAULT_RUN_KEEPALIVE_MS = 2_000;

/** Publishes one event of this run; the caller stamps seq and ts. */
export type RunEventEmitter = <T extends RunEventType>(type: T, payload: PayloadOf<T>) => void;

export interface RunContextOptions {
  threadId: string;
  runId: string;
  input: string;
  /** The user's message as sent, reported in `agent_started`. @default input */
  message?: string;
  dispatcher: ToolDispatcher;
  emit: RunEventEmitter;
  /** Silence after which a keep-alive `agent_thinking` is sent. @default DEFAULT_RUN_KEEPALIVE_MS (2 s) */
  keepAliveMs?: number;
}

export interface RunSummary {
  status: AgentCompletedStatus;
  text: string;
  error?: string;
  durationMs: number;
}

export class RunContext implements AgentContext {
  readonly threadId: string;
  readonly runId: string;
  readonly input: string;
  readonly #message: string;
  readonly #dispatcher: ToolDispatcher;
  readonly #emitRaw: RunEventEmitter;
  readonly #cancel = new AbortController();
  /** Aborts tools still running when the agent returns without awaiting them. */
  readonly #tools = new AbortController();
  readonly #inFlight = new Set<Promise<ToolOutcome>>();
  /** Set once the agent has returned: from then on it may not start anything. */
  #finishing = false;
  #closed = false;
  /** Set by `fail()`: the run ends as `failed` with this error, whatever the agent did. */
  #failure: string | undefined;
  #step = 0;
  #lastThought: { thought: string; totalSteps?: number } | undefined;
  #lastEmitAt = performance.now();
  readonly #keepAliveMs: number;
  #toolCalls = 0;
  #text = '';

  /** Tool events go through this private sink, so agents cannot forge them. */
  readonly #toolSink: ToolEventSink = {
    emit: (type: 'tool_executing' | 'tool_progress' | 'tool_completed', payload: never) => this.#emit(type, payload),
  };

  constructor(options: RunContextOptions) {
    this.threadId = options.threadId;
    this.runId = options.runId;
    this.input = options.input;
    this.#message = options.message ?? options.input;
    this.#dispatcher = options.dispatcher;
    this.#emitRaw = options.emit;
    this.#keepAliveMs = options.keepAliveMs ?? DEFAULT_RUN_KEEPALIVE_MS;
    this.#cancel.signal.addEventListener('abort', () => this.#tools.abort(this.#cancel.signal.reason), { once: true });
  }

  get signal(): AbortSignal {
    return this.#cancel.signal;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Requests cancellation; the run still ends with its own `agent_completed`. */
  cancel(reason = 'cancelled by user'): void {
    if (!this.#closed && !this.#cancel.signal.aborted) this.#cancel.abort(new RunCancelledError(reason));
  }

  /**
   * Stops the run because the server cannot carry on with it (e.g. it cannot
   * record its events): it ends with `agent_completed { status: "failed", error: message }`,
   * its open tool calls completed as errors first. Wins over a cancel still settling.
   */
  fail(message: string): void {
    if (this.#closed || this.#failure !== undefined) return;
    this.#failure = message;
    if (!this.#cancel.signal.aborted) this.#cancel.abort(new RunCancelledError(message));
  }

  /** Runs `agent` from `agent_started` to `agent_completed`. Never rejects. */
  async execute(agent: Agent): Promise<RunSummary> {
    const startedAt = performance.now();
    this.#emit('agent_started', { agentName: agent.name, input: this.#message });
    const keepAlive = setInterval(() => this.#keepAlive(), this.#keepAliveMs / 2);
    let status: AgentCompletedStatus = 'success';
    let error: string | undefined;
    let running: Promise<void>;
    try {
      running = Promise.resolve(agent.run(this));
    } catch (thrown) {
      running = Promise.reject(thrown);
    }
    try {
      // Raced against the signal: an agent that ignores it must not keep the run (and its thread) open after a cancel.
      await abortableWait(running, this.signal);
      if (this.signal.aborted) status = 'cancelled';
    } catch (thrown) {
      if (this.signal.aborted) {
        status = 'cancelled';
      } else {
        status = 'failed';
        error = thrown instanceof Error ? thrown.message : String(thrown);
      }
    }
    this.#finishing = true;
    clearInterval(keepAlive);
    await this.#settleTools();
    if (this.#failure !== undefined) {
      status = 'failed';
      error = this.#failure;
    }
    const durationMs = Math.round(performance.now() - startedAt);
    const summary: RunSummary = { status, text: this.#text, durationMs, ...(error ? { error } : {}) };
    this.#emit('agent_completed', summary);
    this.#closed = true;
    return summary;
  }

  think(thought: string, options: ThinkOptions = {}): void {
    this.#assertActive();
    this.#step += 1;
    const totalSteps = options.totalSteps;
    this.#lastThought = { thought, ...(totalSteps ? { totalSteps } : {}) };
    this.#emit('agent_thinking', { thought, step: this.#step, ...(totalSteps ? { totalSteps } : {}) });
  }

  stream(delta: string): void {
    this.#assertActive();
    if (delta.length === 0) return;
    this.#text += delta;
    this.#emit('partial_result', { delta });
  }

  callTool(toolName: string, args: unknown): Promise<ToolOutcome> {
    return this.#invoke(toolName, args);
  }

  runOwnTool<Args, Result>(tool: ToolDefinition<Args, Result>, args: unknown): Promise<ToolOutcome> {
    return this.#invoke(tool.name, args, tool as ToolDefinition);
  }

  #invoke(toolName: string, args: unknown, ownTool?: ToolDefinition): Promise<ToolOutcome> {
    this.#assertActive();
    this.#toolCalls += 1;
    const call = { toolCallId: `t-${this.#toolCalls}`, toolName, args };
    const outcome = this.#dispatcher.invoke(call, this.#toolSink, this.#tools.signal, ownTool);
    this.#inFlight.add(outcome);
    void outcome.finally(() => this.#inFlight.delete(outcome));
    return outcome;
  }

  callTools(requests: readonly ToolRequest[]): Promise<ToolOutcome[]> {
    return Promise.all(requests.map(({ toolName, args }) => this.callTool(toolName, args)));
  }

  pause(ms: number): Promise<void> {
    this.#assertActive();
    return abortableWait(ms, this.signal);
  }

  #emit<T extends RunEventType>(type: T, payload: PayloadOf<T>): void {
    if (this.#closed) throw new Error(`run ${this.runId} has completed; cannot emit ${type}`);
    this.#lastEmitAt = performance.now();
    this.#emitRaw(type, payload);
  }

  /** Repeats the current thought after a silence; tools in flight keep themselves alive. */
  #keepAlive(): void {
    if (this.#finishing || this.#inFlight.size > 0) return;
    if (performance.now() - this.#lastEmitAt < this.#keepAliveMs) return;
    const { thought = 'Working…', totalSteps } = this.#lastThought ?? {};
    const step = Math.max(1, this.#step);
    this.#emit('agent_thinking', { thought, step, ...(totalSteps ? { totalSteps } : {}), keepAlive: true });
  }

  #assertActive(): void {
    if (this.signal.aborted) throw this.signal.reason;
    if (this.#finishing) throw new Error(`run ${this.runId} has completed`);
  }

  async #settleTools(): Promise<void> {
    if (this.#inFlight.size === 0) return;
    this.#tools.abort(new Error('run finished before the tool completed'));
    await Promise.allSettled([...this.#inFlight]);
  }
}
