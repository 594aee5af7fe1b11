/**
 * AG-UI over SSE (the event stream `@ag-ui/client`'s `HttpAgent` reads), for
 * any page built on it. Each event is validated with `@ag-ui/core`'s own
 * schemas, and each stream runs through `@ag-ui/client`'s own `verifyEvents`
 * (after its `transformChunks`, as `HttpAgent` runs them), so the harness
 * holds a stream to exactly what the client holds it to. On top come the
 * rules the client does not enforce, each a violation naming the run and the
 * tool call (agui-state.ts, agui-content.ts), then the lifecycle checker on
 * the normalized events, less what those rules already said.
 *
 * RUN_STARTED → agent_started; TEXT_MESSAGE_CONTENT / _CHUNK → partial_result;
 * each REASONING (or legacy THINKING) message → agent_thinking, at its end;
 * TOOL_CALL_START…END → tool_executing, at TOOL_CALL_END; TOOL_CALL_RESULT →
 * tool_completed; RUN_FINISHED → agent_completed (success, or cancelled /
 * interrupted by its outcome); RUN_ERROR → agent_completed failed. Events
 * after a run's terminal event are reported and left out: the client refuses
 * them, so no page can draw them.
 */
import { transformChunks, verifyEvents } from '@ag-ui/client';
import { type BaseEvent, EventType } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import { from, tap } from 'rxjs';
import { checkRunLifecycle, type ViolationCode } from '../../../protocol';
import type { AdapterResult, CapturedFrame, ProtocolAdapter } from './adapter';
import { type AguiEvent, applyContent, closeChunk, continuesChunk } from './agui-content';
import { AguiState, type AguiViolationCode, type Channel } from './agui-state';

export { AGUI_VIOLATION_CODES, type AguiViolationCode } from './agui-state';

export interface AguiProtocolOptions {
  /**
   * Which `text/event-stream` responses carry AG-UI, tested against the request URL.
   * @default /\/(agent|awp|api\/agui)/
   */
  url?: RegExp;
  /**
   * Tools the page runs itself (AG-UI frontend tools): a run may finish with their calls
   * unanswered, since the page answers them in the next run. Calls a RUN_FINISHED names in
   * `outcome.pendingToolCallIds` or in an interrupt are exempt without this.
   */
  clientTools?: readonly string[];
}

export function aguiProtocol(options: AguiProtocolOptions = {}): ProtocolAdapter {
  const url = options.url ?? /\/(agent|awp|api\/agui)/;
  const accepts = (frame: CapturedFrame) => frame.transport === 'sse' && url.test(frame.url);
  const clientTools = new Set(options.clientTools);
  return { name: 'ag-ui', accepts, read: (frames) => readFrames(frames.filter(accepts), clientTools) };
}

/** One SSE response: its events as the client gets them, for its verifier. */
interface Stream extends Channel {
  events: BaseEvent[];
  /** The run each event belonged to, to name it in a verifier error. */
  runIds: (string | undefined)[];
  /** Ids for legacy THINKING_* events, which carry none. */
  legacy: { span?: string; message?: string; count: number };
}

function readFrames(frames: readonly CapturedFrame[], clientTools: ReadonlySet<string>): AdapterResult {
  const state = new AguiState(clientTools);
  const streams = new Map<number, Stream>();
  for (const frame of frames) {
    let stream = streams.get(frame.channel);
    if (!stream) {
      stream = { id: frame.channel, events: [], runIds: [], legacy: { count: 0 } };
      streams.set(frame.channel, stream);
    }
    state.frame = frame;
    const event = parse(state, frame, stream);
    if (!event) continue;
    if (stream.chunk && !continuesChunk(event, stream.chunk)) closeChunk(state, stream);
    apply(state, event, stream);
    stream.events.push(event);
    stream.runIds.push(stream.runId);
  }
  for (const stream of streams.values()) closeChunk(state, stream);
  state.checkEnds();
  for (const stream of streams.values()) verify(state, stream);
  addLifecycle(state);
  return state.result;
}

function parse(state: AguiState, frame: CapturedFrame, stream: Stream): AguiEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(frame.data);
  } catch {
    state.result.invalid.push({ frame, reason: 'not JSON' });
    return undefined;
  }
  const parsed = EventSchemas.safeParse(fromLegacy(json, stream));
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'type'}: ${issue.message}`);
  state.result.invalid.push({ frame, reason: `not an AG-UI event (${issues.join('; ')})` });
  return undefined;
}

function apply(state: AguiState, event: AguiEvent, stream: Stream): void {
  if (event.type === EventType.RUN_STARTED) {
    state.startRun(event.runId, event.threadId, lastUserText(event), stream);
    return;
  }
  const run = state.runFor(event.type, stream, event.type === EventType.RUN_FINISHED ? event.runId : undefined);
  if (!run) return;
  const durationMs = Math.max(0, state.now - run.startedMs);
  if (event.type === EventType.RUN_ERROR) {
    const payload = { status: 'failed' as const, error: event.message, durationMs };
    state.endRun(run, 'RUN_ERROR', { type: 'agent_completed', payload });
  } else if (event.type === EventType.RUN_FINISHED) {
    const { outcome } = event;
    for (const id of outcome?.type === 'success' ? (outcome.pendingToolCallIds ?? []) : []) run.exempt.add(id);
    for (const interrupt of outcome?.type === 'interrupt' ? outcome.interrupts : []) {
      if (interrupt.toolCallId) run.exempt.add(interrupt.toolCallId);
    }
    const status =
      outcome?.type === 'cancelled' ? 'cancelled' : outcome?.type === 'interrupt' ? 'interrupted' : 'success';
    state.endRun(run, 'RUN_FINISHED', { type: 'agent_completed', payload: { status, text: run.text, durationMs } });
  } else {
    applyContent(state, event, run, stream);
  }
}

/**
 * `@ag-ui/client`'s verifier over one stream, as `HttpAgent` runs it (chunks expanded first). It
 * throws at the first violation and checks nothing after, so it yields at most one violation a
 * stream; the adapter's rules go on past it.
 */
function verify(state: AguiState, stream: Stream): void {
  let index = -1;
  const pipeline = from(stream.events).pipe(
    tap(() => index++),
    transformChunks(),
    verifyEvents(),
  );
  pipeline.subscribe({
    error: (error: unknown) => {
      const runId = stream.runIds[index];
      const event = `${stream.events[index]?.type ?? 'its stream'} (event ${index + 1} of stream ${stream.id})`;
      const reason = error instanceof Error ? error.message : String(error);
      state.report(
        'agui_verify',
        `run ${runId ?? '(none)'}: @ag-ui/client's verifyEvents rejects ${event}: ${reason}`,
        runId,
      );
    },
  });
}

/** Lifecycle codes an adapter rule already reports, in AG-UI's terms, for the same run and tool call. */
const COVERED: Partial<Record<ViolationCode, readonly AguiViolationCode[]>> = {
  run_not_terminated: ['agui_run_not_terminated'],
  tool_not_completed: ['agui_tool_call_not_ended', 'agui_tool_call_without_result'],
  tool_completed_without_executing: ['agui_out_of_order'],
  duplicate_tool_call: ['agui_duplicate_tool_call'],
};

function addLifecycle(state: AguiState): void {
  const ours = [...state.result.violations];
  for (const v of checkRunLifecycle(state.result.events)) {
    const covered = COVERED[v.code]?.some((code) =>
      ours.some((o) => o.code === code && o.runId === v.runId && (!v.toolCallId || o.toolCallId === v.toolCallId)),
    );
    // AG-UI lets RUN_ERROR end a run at any point, open tool calls and all; the page answers its own tools.
    const errored = state.runs.get(v.runId ?? '')?.terminal === 'RUN_ERROR';
    const allowed = v.code === 'tool_not_completed' && (errored || state.isExempt(v.runId, v.toolCallId));
    if (!covered && !allowed) state.report(v.code, v.message, v.runId, v.toolCallId);
  }
}

/** Legacy THINKING_* events, renamed (with ids made up) as `@ag-ui/client`'s 0.0.45 compatibility middleware does. */
const LEGACY_THINKING: Readonly<Record<string, EventType>> = {
  THINKING_START: EventType.REASONING_START,
  THINKING_END: EventType.REASONING_END,
  THINKING_TEXT_MESSAGE_START: EventType.REASONING_MESSAGE_START,
  THINKING_TEXT_MESSAGE_CONTENT: EventType.REASONING_MESSAGE_CONTENT,
  THINKING_TEXT_MESSAGE_END: EventType.REASONING_MESSAGE_END,
};

function fromLegacy(json: unknown, stream: Stream): unknown {
  if (typeof json !== 'object' || json === null || !('type' in json) || typeof json.type !== 'string') return json;
  const type = LEGACY_THINKING[json.type];
  if (!type) return json;
  const { legacy } = stream;
  if (type === EventType.REASONING_START) legacy.span = `thinking-${stream.id}-${++legacy.count}`;
  if (type === EventType.REASONING_MESSAGE_START) legacy.message = `thinking-${stream.id}-${++legacy.count}`;
  const span = type === EventType.REASONING_START || type === EventType.REASONING_END;
  const role = type === EventType.REASONING_MESSAGE_START ? { role: 'reasoning' } : {};
  return { ...json, type, messageId: (span ? legacy.span : legacy.message) ?? `thinking-${stream.id}`, ...role };
}

/** The user's message, when RUN_STARTED echoes the run's input. */
function lastUserText(event: AguiEvent): string {
  const messages = event.type === EventType.RUN_STARTED ? (event.input?.messages ?? []) : [];
  const user = messages.filter((message) => message.role === 'user').at(-1);
  return typeof user?.content === 'string' ? user.content : '';
}
