/**
 * The AG-UI adapter's state over one page load: its runs, messages and tool
 * calls, the normalized events it emits and the violations it reports. Runs
 * start and end here, and here every run is checked for its terminal event and
 * its tool calls; agui-content.ts handles what happens inside a run.
 */
import type { RunEvent } from '../../../protocol';
import type { AdapterResult, CapturedFrame, HarnessViolation } from './adapter';

/** This adapter's own violation codes (next to the lifecycle checker's). */
export const AGUI_VIOLATION_CODES = [
  /** `@ag-ui/client`'s `verifyEvents` rejected the stream (its first error: it stops there). */
  'agui_verify',
  'agui_run_not_terminated',
  'agui_duplicate_terminal',
  'agui_event_after_terminal',
  'agui_tool_call_not_ended',
  'agui_tool_call_without_result',
  'agui_duplicate_message',
  'agui_duplicate_tool_call',
  'agui_out_of_order',
] as const;
export type AguiViolationCode = (typeof AGUI_VIOLATION_CODES)[number];

export type Terminal = 'RUN_FINISHED' | 'RUN_ERROR';

export interface Run {
  runId: string;
  threadId: string;
  startedMs: number;
  terminal?: Terminal;
  /** The assistant's text so far, for agent_completed. */
  text: string;
  thoughts: number;
  /** Tool calls the run left for the page to answer (RUN_FINISHED's pendingToolCallIds, interrupts). */
  exempt: Set<string>;
}

export interface ToolCall {
  runId: string;
  name: string;
  args: string;
  startedMs: number;
  ended: boolean;
  executed: boolean;
  answered: boolean;
}

export interface Message {
  runId: string;
  /** Only an assistant message's text is the answer (a streamed user or system message is not). */
  assistant: boolean;
  open: boolean;
  text: string;
}

export interface Channel {
  id: number;
  runId?: string;
  /** A reasoning or tool-call chunk stream still open: AG-UI closes one at the next event of another kind. */
  chunk?: { kind: 'reasoning' | 'tool'; id: string };
  /** The text message that TEXT_MESSAGE_CHUNKs without a messageId continue. */
  textChunk?: string;
}

type EventBody = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, 'threadId' | 'runId' | 'seq' | 'ts'>
    : never
  : never;

export class AguiState {
  readonly result: AdapterResult = { events: [], arrivals: [], violations: [], invalid: [] };
  readonly runs = new Map<string, Run>();
  readonly calls = new Map<string, ToolCall>();
  readonly messages = new Map<string, Message>();
  readonly thoughts = new Map<string, Message>();
  readonly #seq = new Map<string, number>();
  /** The frame being read: emitted events take its arrival and time. */
  frame: CapturedFrame | undefined;

  constructor(readonly clientTools: ReadonlySet<string>) {}

  get now(): number {
    return this.frame?.epochMs ?? 0;
  }

  /** Starts a run, or resumes one on a new stream (the same runId again). */
  startRun(runId: string, threadId: string, input: string, channel: Channel): void {
    const current = channel.runId ? this.runs.get(channel.runId) : undefined;
    if (current && !current.terminal && current.runId !== runId) {
      this.report(
        'agui_out_of_order',
        `RUN_STARTED for run ${runId} while run ${current.runId} is still running`,
        runId,
      );
    }
    channel.runId = runId;
    const known = this.runs.get(runId);
    if (known?.terminal)
      this.report('agui_event_after_terminal', `run ${runId}: RUN_STARTED after its ${known.terminal}`, runId);
    if (known) return;
    this.runs.set(runId, { runId, threadId, startedMs: this.now, text: '', thoughts: 0, exempt: new Set() });
    this.emit(runId, { type: 'agent_started', payload: { agentName: 'ag-ui', input } });
  }

  /** The run an event belongs to, or a violation saying why it belongs to none that can take it. */
  runFor(type: string, channel: Channel, runId?: string): Run | undefined {
    const run = this.runs.get(runId ?? channel.runId ?? '');
    if (!run) {
      this.report('agui_out_of_order', `${type} on stream ${channel.id} before any RUN_STARTED`);
    } else if (run.terminal) {
      const terminal = type === 'RUN_FINISHED' || type === 'RUN_ERROR';
      const code = terminal ? 'agui_duplicate_terminal' : 'agui_event_after_terminal';
      const why = terminal ? 'a run ends exactly once' : 'nothing may follow it';
      this.report(code, `run ${run.runId}: ${type} after ${run.terminal}; ${why}`, run.runId);
      return undefined;
    }
    return run;
  }

  endRun(run: Run, terminal: Terminal, payload: EventBody & { type: 'agent_completed' }): void {
    run.terminal = terminal;
    if (terminal === 'RUN_FINISHED') this.checkToolCalls(run, 'before RUN_FINISHED');
    this.emit(run.runId, payload);
  }

  /** Every tool call of the run ended and answered (AG-UI's RUN_ERROR may cut them short: only RUN_FINISHED checks). */
  checkToolCalls(run: Run, when: string): void {
    for (const [id, call] of this.calls) {
      if (call.runId !== run.runId || call.answered) continue;
      const name = `run ${run.runId}: tool call ${id} (${call.name})`;
      if (!call.ended) {
        this.report('agui_tool_call_not_ended', `${name} has no TOOL_CALL_END ${when}`, run.runId, id);
      } else if (!this.isExempt(run.runId, id)) {
        const message = `${name} has no TOOL_CALL_RESULT ${when}: the page shows it executing forever`;
        this.report('agui_tool_call_without_result', message, run.runId, id);
      }
    }
  }

  /** After the last frame: every run must have ended. */
  checkEnds(): void {
    for (const run of this.runs.values()) {
      if (run.terminal) continue;
      const message = `run ${run.runId} never terminated: its stream ended with no RUN_FINISHED or RUN_ERROR`;
      this.report('agui_run_not_terminated', message, run.runId);
      this.checkToolCalls(run, 'before its stream ended');
    }
  }

  /** A call the page answers itself: named by the run as pending, or a client tool. */
  isExempt(runId: string | undefined, toolCallId: string | undefined): boolean {
    const call = this.calls.get(toolCallId ?? '');
    if (!call) return false;
    return this.clientTools.has(call.name) || Boolean(this.runs.get(runId ?? '')?.exempt.has(toolCallId ?? ''));
  }

  /** Emits a normalized event: `seq` counts per thread across the page load, `ts` is the frame's arrival. */
  emit(runId: string, body: EventBody): void {
    const run = this.runs.get(runId);
    if (!run || !this.frame) return;
    const seq = (this.#seq.get(run.threadId) ?? 0) + 1;
    this.#seq.set(run.threadId, seq);
    // The envelope completes the body into a RunEvent; TypeScript cannot see that through the union.
    this.result.events.push({ threadId: run.threadId, runId, seq, ts: this.frame.epochMs, ...body } as RunEvent);
    this.result.arrivals.push(this.frame.at);
  }

  report(code: AguiViolationCode | string, message: string, runId?: string, toolCallId?: string): void {
    const violation: HarnessViolation = {
      code,
      message,
      ...(runId ? { runId } : {}),
      ...(toolCallId ? { toolCallId } : {}),
    };
    this.result.violations.push(violation);
  }
}
