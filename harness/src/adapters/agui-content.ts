/**
 * What happens inside an AG-UI run, normalized: text messages become
 * `partial_result`s, each reasoning message one `agent_thinking` (at its end,
 * when its whole text is known, so the page's thought can be compared), each
 * tool call a `tool_executing` at TOOL_CALL_END (its joined arguments, parsed
 * when they are JSON) and a `tool_completed` at TOOL_CALL_RESULT. Events out
 * of order, and messages or tool calls started twice, are reported here.
 */
import { EventType } from '@ag-ui/core';
import type { EventSchemas } from '@ag-ui/core/schemas';
import type { z } from 'zod';
import type { AguiState, Channel, Message, Run, ToolCall } from './agui-state';

export type AguiEvent = z.output<typeof EventSchemas>;

/** Applies one event of a running run. */
export function applyContent(state: AguiState, event: AguiEvent, run: Run, channel: Channel): void {
  switch (event.type) {
    case EventType.TEXT_MESSAGE_START:
      startMessage(state, state.messages, event.messageId, run, event.role === undefined || event.role === 'assistant');
      break;
    case EventType.REASONING_MESSAGE_START:
      startMessage(state, state.thoughts, event.messageId, run, false);
      break;
    case EventType.TEXT_MESSAGE_CONTENT:
    case EventType.REASONING_MESSAGE_CONTENT: {
      const map = event.type === EventType.TEXT_MESSAGE_CONTENT ? state.messages : state.thoughts;
      const message = openMessage(state, map, event.messageId, run, event.type);
      if (message) addText(state, message, event.delta, run);
      break;
    }
    case EventType.TEXT_MESSAGE_END:
    case EventType.REASONING_MESSAGE_END:
      endMessage(state, event.type, event.messageId, run);
      break;
    case EventType.TEXT_MESSAGE_CHUNK:
    case EventType.REASONING_MESSAGE_CHUNK:
      addChunk(state, event, run, channel);
      break;
    default:
      applyToolCall(state, event, run, channel);
  }
}

function startMessage(state: AguiState, map: Map<string, Message>, id: string, run: Run, assistant: boolean): void {
  const earlier = map.get(id);
  if (earlier) {
    const where = earlier.runId === run.runId ? 'earlier in this run' : `in run ${earlier.runId}`;
    const message = `run ${run.runId}: message ${id} started again (first ${where}): a replayed or resumed stream shows it twice`;
    state.report('agui_duplicate_message', message, run.runId);
  }
  map.set(id, { runId: run.runId, assistant, open: true, text: '' });
}

/** The open message an event continues; a violation when it never started or already ended. */
function openMessage(state: AguiState, map: Map<string, Message>, id: string, run: Run, type: string) {
  const message = map.get(id);
  if (message?.open) return message;
  const why = message ? 'after its end' : 'which never started';
  state.report('agui_out_of_order', `run ${run.runId}: ${type} for message ${id}, ${why}`, run.runId);
  return undefined;
}

function addText(state: AguiState, message: Message, delta: string, run: Run): void {
  message.text += delta;
  if (!message.assistant || delta === '') return;
  run.text += delta;
  state.emit(run.runId, { type: 'partial_result', payload: { delta } });
}

function endMessage(state: AguiState, type: EventType, id: string, run: Run): void {
  const thought = type === EventType.REASONING_MESSAGE_END;
  const message = openMessage(state, thought ? state.thoughts : state.messages, id, run, type);
  if (!message) return;
  message.open = false;
  if (thought)
    state.emit(run.runId, { type: 'agent_thinking', payload: { thought: message.text, step: ++run.thoughts } });
}

/** A chunk opens its message when new (AG-UI's convenience form), then adds to it. */
function addChunk(state: AguiState, event: AguiEvent, run: Run, channel: Channel): void {
  if (event.type !== EventType.TEXT_MESSAGE_CHUNK && event.type !== EventType.REASONING_MESSAGE_CHUNK) return;
  const text = event.type === EventType.TEXT_MESSAGE_CHUNK;
  const map = text ? state.messages : state.thoughts;
  const id = event.messageId ?? (text ? channel.textChunk : channel.chunk?.id) ?? '';
  if (text) channel.textChunk = id;
  else channel.chunk = { kind: 'reasoning', id };
  const assistant = text && (event.role === undefined || event.role === 'assistant');
  if (!map.get(id)?.open) startMessage(state, map, id, run, assistant);
  const message = map.get(id);
  if (message) addText(state, message, event.delta ?? '', run);
}

function applyToolCall(state: AguiState, event: AguiEvent, run: Run, channel: Channel): void {
  switch (event.type) {
    case EventType.TOOL_CALL_START:
      startCall(state, event.toolCallId, event.toolCallName, run);
      break;
    case EventType.TOOL_CALL_CHUNK: {
      const id = event.toolCallId ?? channel.chunk?.id ?? '';
      if (!state.calls.has(id)) startCall(state, id, event.toolCallName ?? '', run);
      channel.chunk = { kind: 'tool', id };
      addArgs(state, id, event.delta ?? '', run, event.type);
      break;
    }
    case EventType.TOOL_CALL_ARGS:
      addArgs(state, event.toolCallId, event.delta, run, event.type);
      break;
    case EventType.TOOL_CALL_END:
      endCall(state, event.toolCallId, run, event.type);
      break;
    case EventType.TOOL_CALL_RESULT:
      answerCall(state, event.toolCallId, event.content, run);
      break;
  }
}

function startCall(state: AguiState, id: string, name: string, run: Run): void {
  const earlier = state.calls.get(id);
  if (earlier) {
    const message = `run ${run.runId}: tool call ${id} (${name}) started again (first in run ${earlier.runId})`;
    state.report('agui_duplicate_tool_call', message, run.runId, id);
    return;
  }
  const call = {
    runId: run.runId,
    name,
    args: '',
    startedMs: state.now,
    ended: false,
    executed: false,
    answered: false,
  };
  state.calls.set(id, call);
}

function callFor(state: AguiState, id: string, run: Run, type: string): ToolCall | undefined {
  const call = state.calls.get(id);
  if (!call)
    state.report(
      'agui_out_of_order',
      `run ${run.runId}: ${type} for tool call ${id} before its TOOL_CALL_START`,
      run.runId,
      id,
    );
  return call;
}

function addArgs(state: AguiState, id: string, delta: string, run: Run, type: string): void {
  const call = callFor(state, id, run, type);
  if (!call) return;
  if (call.ended || call.answered) {
    const after = call.ended ? 'TOOL_CALL_END' : 'TOOL_CALL_RESULT';
    const message = `run ${run.runId}: ${type} for tool call ${id} (${call.name}) after its ${after}`;
    state.report('agui_out_of_order', message, run.runId, id);
  } else {
    call.args += delta;
  }
}

function endCall(state: AguiState, id: string, run: Run, type: string): void {
  const call = callFor(state, id, run, type);
  if (!call) return;
  if (call.ended)
    state.report('agui_out_of_order', `run ${run.runId}: tool call ${id} (${call.name}) ended twice`, run.runId, id);
  call.ended = true;
  execute(state, id, call);
}

function execute(state: AguiState, id: string, call: ToolCall): void {
  if (call.executed) return;
  call.executed = true;
  const payload = { toolCallId: id, toolName: call.name || 'unknown', args: jsonOr(call.args) };
  state.emit(call.runId, { type: 'tool_executing', payload });
}

function answerCall(state: AguiState, id: string, content: unknown, run: Run): void {
  const call = callFor(state, id, run, 'TOOL_CALL_RESULT');
  if (!call) return;
  const name = `run ${run.runId}: tool call ${id} (${call.name})`;
  if (call.answered) {
    state.report('agui_duplicate_tool_call', `${name} got a second TOOL_CALL_RESULT`, run.runId, id);
    return;
  }
  if (!call.ended)
    state.report('agui_out_of_order', `${name}: TOOL_CALL_RESULT before its TOOL_CALL_END`, run.runId, id);
  // A late TOOL_CALL_END still counts as the call's end: only the order was wrong.
  call.answered = true;
  execute(state, id, call);
  const durationMs = Math.max(0, state.now - call.startedMs);
  const payload = {
    toolCallId: id,
    toolName: call.name || 'unknown',
    status: 'success' as const,
    result: content,
    durationMs,
  };
  state.emit(call.runId, { type: 'tool_completed', payload });
}

/** Whether an event goes on with the open chunk stream (else AG-UI closes that stream first). */
export function continuesChunk(event: AguiEvent, chunk: NonNullable<Channel['chunk']>): boolean {
  if (chunk.kind === 'tool')
    return event.type === EventType.TOOL_CALL_CHUNK && (event.toolCallId ?? chunk.id) === chunk.id;
  return event.type === EventType.REASONING_MESSAGE_CHUNK && (event.messageId ?? chunk.id) === chunk.id;
}

/** Closes a channel's chunk stream: a chunked call has its arguments, a chunked thought its text. */
export function closeChunk(state: AguiState, channel: Channel): void {
  const chunk = channel.chunk;
  channel.chunk = undefined;
  const run = state.runs.get(channel.runId ?? '');
  if (!chunk || !run || run.terminal) return;
  if (chunk.kind === 'tool') endCall(state, chunk.id, run, 'TOOL_CALL_CHUNK');
  else endMessage(state, EventType.REASONING_MESSAGE_END, chunk.id, run);
}

function jsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
