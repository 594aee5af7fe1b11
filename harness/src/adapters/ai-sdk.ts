/**
 * The Vercel AI SDK's UI message stream (what `toUIMessageStreamResponse()`
 * sends and `useChat` reads, one SSE response per request) as the harness's
 * run events. One stream is one run; its chunks are validated with the `ai`
 * package's own `uiMessageChunkSchema` (ai-sdk-validate.ts), mapped to
 * agent_started … agent_completed, and checked against the stream's rules:
 * one ending and nothing after it, every tool call answered before it, no
 * message or part replayed (the resume duplicate of vercel/ai#14688; that of
 * #18457/#18107, a client adopting the previous answer after a reload, leaves
 * the wire clean and shows only on the page), no chunk before the one that
 * opens it. ai-sdk-messages.ts assembles the same frames with the SDK's
 * `readUIMessageStream`.
 */
import type { UIMessageChunk } from 'ai';
import { checkRunLifecycle, type RunEvent } from '../../../protocol';
import type { AdapterResult, CapturedFrame, HarnessViolation, ProtocolAdapter } from './adapter';
import type { AiSdkViolationCode } from './ai-sdk-codes';
import {
  type Chunk,
  clip,
  type Ending,
  isEnding,
  type Part,
  type Payload,
  type Run,
  type Stream,
  type ToolOutcome,
  where,
} from './ai-sdk-model';
import { sdkReadFailures } from './ai-sdk-read-check';
import { validateChunks } from './ai-sdk-validate';

export { AI_SDK_VIOLATION_CODES, type AiSdkViolationCode } from './ai-sdk-codes';

export interface AiSdkProtocolOptions {
  /** Which SSE responses carry the stream. @default /\/api\/chat/ (also matches the resume route `/api/chat/:id/stream`) */
  url?: RegExp;
  /** The `agentName` of each run's agent_started. @default 'ai-sdk' */
  agentName?: string;
  /**
   * What a resumed stream (a later stream that starts a message whose stream
   * was cut) sends: `replay`, the whole message again, as `DefaultChatTransport`
   * expects by default (it rebuilds the message, so nothing is new until the
   * replay passes what arrived), or `continue`, only the rest
   * (`resumeStreamIsReplay: false`): then a replayed part is a duplicate. @default 'replay'
   */
  resume?: 'replay' | 'continue';
  /** Tools the page runs itself (`onToolCall` + `addToolOutput`): the stream may end with their calls unanswered. @default [] */
  clientTools?: readonly string[];
}

/** The thread of every run of a page load: the UI message stream has no threads. */
const AI_SDK_THREAD_ID = 'ai-sdk-page';

export function aiSdkProtocol(options: AiSdkProtocolOptions = {}): ProtocolAdapter {
  const url = options.url ?? /\/api\/chat/;
  return {
    name: 'ai-sdk',
    accepts: (frame) => frame.transport === 'sse' && url.test(frame.url),
    read: (frames) => new StreamReader(options).read(frames),
  };
}

/** One page load's frames, read once, in arrival order. */
class StreamReader {
  readonly #options: AiSdkProtocolOptions;
  readonly #result: AdapterResult = { events: [], arrivals: [], violations: [], invalid: [] };
  readonly #runs = new Map<string, Run>();
  readonly #streams = new Map<number, Stream>();
  #frame: CapturedFrame | undefined;

  constructor(options: AiSdkProtocolOptions) {
    this.#options = options;
  }

  read(frames: readonly CapturedFrame[]): AdapterResult {
    const chunks = frames.filter((frame) => frame.data !== '[DONE]');
    const problems = validateChunks(chunks.map((frame) => frame.data));
    const problemOf = new Map(chunks.map((frame, i) => [frame, problems[i]]));
    for (const frame of frames) {
      this.#frame = frame;
      const stream = this.#streamOf(frame);
      const problem = problemOf.get(frame);
      if (stream.done) this.#violate('event_after_completed', `${where(stream)}: a chunk after its [DONE]`, stream.run);
      else if (frame.data === '[DONE]') this.#done(stream);
      else if (problem) {
        this.#result.invalid.push({ frame, reason: problem });
        this.#violate(
          'invalid',
          `${where(stream)}: not a UI message chunk (${problem}): ${clip(frame.data)}`,
          stream.run,
        );
      } else {
        stream.chunks.push(frame.data);
        this.#chunk(stream, JSON.parse(frame.data) as UIMessageChunk);
      }
    }
    for (const { stream, message } of sdkReadFailures([...this.#streams.values()])) {
      this.#violate('read_ui_message_stream', message, stream.run);
    }
    this.#addLifecycleViolations();
    return this.#result;
  }

  #streamOf(frame: CapturedFrame): Stream {
    const known = this.#streams.get(frame.channel);
    if (known) return known;
    const stream = {
      channel: frame.channel,
      url: frame.url,
      content: false,
      replaying: false,
      replayAt: 0,
      continues: false,
      chunks: [],
      done: false,
    };
    this.#streams.set(frame.channel, stream);
    return stream;
  }

  #done(stream: Stream): void {
    stream.done = true;
    const { run } = stream;
    if (!run || run.ended) return;
    const message = `run ${run.id} never terminated: ${where(stream)} ended ([DONE]) without finish, error or abort`;
    this.#violate('run_not_terminated', message, run);
    this.#unansweredTools(run, 'its stream ended');
  }

  #chunk(stream: Stream, chunk: UIMessageChunk): void {
    if (chunk.type === 'start') {
      this.#start(stream, chunk.messageId);
      return;
    }
    const run = stream.run ?? this.#implicitRun(stream);
    if (run.ended) {
      const code = isEnding(chunk.type) ? 'duplicate_agent_completed' : 'event_after_completed';
      const message = `run ${run.id}: ${chunk.type} after its ${run.ended} (${where(stream)}): a run ends once, and nothing follows`;
      this.#violate(code, message, run);
    } else if (chunk.type.startsWith('text-') || chunk.type.startsWith('reasoning-')) {
      stream.content = true;
      this.#part(stream, run, chunk as Chunk<'text-' | 'reasoning-'>);
    } else if (chunk.type.startsWith('tool-input-')) {
      stream.content = true;
      this.#toolInput(stream, run, chunk as Chunk<'tool-input-'>);
    } else if (chunk.type.startsWith('tool-output-')) {
      stream.content = true;
      this.#toolOutput(stream, run, chunk as Chunk<'tool-output-'>);
    } else if (chunk.type === 'finish') this.#end(run, 'finish', { status: 'success' });
    else if (chunk.type === 'error') this.#end(run, 'error', { status: 'failed', error: chunk.errorText });
    else if (chunk.type === 'abort') this.#end(run, 'abort', { status: 'cancelled', error: chunk.reason });
    else if (chunk.type === 'tool-approval-request') this.#exempt(run, chunk.toolCallId, 'it awaits approval');
    // start-step, finish-step, data-*, source-*, file, message-metadata: no run event.
  }

  #start(stream: Stream, messageId: string | undefined): void {
    const current = stream.run;
    if (current) {
      // A second `start` before any part is harmless (a merged stream sends one each); after parts, it replays them.
      const message = `run ${current.id}: ${where(stream)} starts message ${messageId ?? current.id} again after streaming its parts: the stream replays the message, and the page draws it twice (the resume duplicate of vercel/ai#14688)`;
      if (stream.content) this.#violate('duplicate_message', message, current);
      return;
    }
    const earlier = messageId === undefined ? undefined : this.#runs.get(messageId);
    if (earlier && !earlier.ended) {
      // A resume: the message's own stream was cut.
      stream.run = earlier;
      stream.replaying = (this.#options.resume ?? 'replay') === 'replay';
      stream.continues = !stream.replaying;
      return;
    }
    // An ended message started again is a continuation (client-side tool results): a run of its own.
    const id =
      messageId === undefined ? `ai-sdk-run-${stream.channel}` : earlier ? `${messageId}#${stream.channel}` : messageId;
    this.#emit(this.#newRun(stream, id), 'agent_started', {
      agentName: this.#options.agentName ?? 'ai-sdk',
      input: '',
    });
  }

  /** A stream whose first chunk is not `start`: it continues a cut run (a resume), or its run has no start. */
  #implicitRun(stream: Stream): Run {
    const cut = [...this.#streams.values()].reverse().find((other) => other.run && !other.run.ended)?.run;
    if (!cut) return this.#newRun(stream, `ai-sdk-run-${stream.channel}`);
    stream.run = cut;
    stream.continues = true;
    return cut;
  }

  #newRun(stream: Stream, id: string): Run {
    const run: Run = { id, startedAt: this.#now(), text: '', parts: new Map(), log: [], tools: new Map(), thoughts: 0 };
    this.#runs.set(id, run);
    stream.run = run;
    return run;
  }

  #part(stream: Stream, run: Run, chunk: Chunk<'text-' | 'reasoning-'>): void {
    const [kind, phase] = chunk.type.split('-') as ['text' | 'reasoning', 'start' | 'delta' | 'end'];
    const key = `${kind}:${chunk.id}`;
    const part = run.parts.get(key);
    const name = `${kind} part ${chunk.id}`;
    if (phase === 'start') {
      if (this.#replayPart(stream, run, key)) return;
      const message = `run ${run.id}: ${name} starts again while it is still streaming (${where(stream)}): the stream repeats it, and the page draws it twice (the resume duplicate of vercel/ai#14688)`;
      if (part?.open) this.#violate('duplicate_message', message, run);
      const started: Part = { key, open: true, text: '' };
      run.parts.set(key, started);
      run.log.push(started);
    } else if (!part?.open) {
      const before = part ? `after its ${kind}-end` : `before its ${kind}-start`;
      this.#violate('chunk_out_of_order', `run ${run.id}: ${chunk.type} for ${name} ${before} (${where(stream)})`, run);
    } else if (phase === 'delta' && 'delta' in chunk) this.#delta(run, kind, part, chunk.delta);
    else {
      part.open = false;
      part.replayed = undefined;
      // One thought per reasoning part, whole, at its end: by then the page shows the full text.
      if (kind === 'reasoning' && !part.thought)
        this.#emit(run, 'agent_thinking', { thought: part.text, step: ++run.thoughts });
      part.thought = kind === 'reasoning';
    }
  }

  /** During a replayed resume, a part start that is the run's next part again: it reopens that part. */
  #replayPart(stream: Stream, run: Run, key: string): boolean {
    if (!stream.replaying) return false;
    const index = run.log.findIndex((part, i) => i >= stream.replayAt && part.key === key);
    const part = run.log[index];
    if (!part) return false;
    stream.replayAt = index + 1;
    Object.assign(part, { open: true, replayed: 0 });
    run.parts.set(key, part);
    return true;
  }

  #delta(run: Run, kind: 'text' | 'reasoning', part: Part, delta: string): void {
    let fresh = delta;
    if (part.replayed !== undefined) {
      // A replay sends again what the page already has; only what goes beyond it is new.
      const known = part.text.length - part.replayed;
      part.replayed += Math.min(known, delta.length);
      fresh = delta.slice(Math.max(0, known));
      if (fresh.length > 0) part.replayed = undefined;
    }
    if (fresh.length === 0) return;
    part.text += fresh;
    if (kind === 'reasoning') return;
    run.text += fresh;
    this.#emit(run, 'partial_result', { delta: fresh });
  }

  #toolInput(stream: Stream, run: Run, chunk: Chunk<'tool-input-'>): void {
    const { toolCallId } = chunk;
    const call = run.tools.get(toolCallId);
    if (call && stream.replaying) return;
    if (chunk.type === 'tool-input-delta') {
      if (call?.phase === 'input-streaming') return;
      const before = call ? 'after its tool-input-available' : 'before its tool-input-start';
      const message = `run ${run.id}: tool-input-delta for tool call ${toolCallId} ${before} (${where(stream)})`;
      this.#violate('chunk_out_of_order', message, run, toolCallId);
    } else if (chunk.type === 'tool-input-start' && call) {
      const message = `run ${run.id}: tool call ${toolCallId} (${call.name}) starts again (${where(stream)}): the stream replays it`;
      this.#violate('duplicate_message', message, run, toolCallId);
    } else if (chunk.type === 'tool-input-start') {
      run.tools.set(toolCallId, { name: chunk.toolName, phase: 'input-streaming', availableAt: this.#now() });
    } else {
      const exempt = this.#options.clientTools?.includes(chunk.toolName) ? 'the page runs it' : call?.exempt;
      run.tools.set(toolCallId, {
        name: chunk.toolName,
        phase: 'input-available',
        availableAt: this.#now(),
        ...(exempt ? { exempt } : {}),
      });
      this.#emit(run, 'tool_executing', { toolCallId, toolName: chunk.toolName, args: chunk.input });
      if (chunk.type === 'tool-input-error') {
        this.#completeTool(run, toolCallId, { status: 'error', error: chunk.errorText }, true);
      }
    }
  }

  #toolOutput(stream: Stream, run: Run, chunk: Chunk<'tool-output-'>): void {
    const { toolCallId } = chunk;
    const call = run.tools.get(toolCallId);
    if (!call || call.phase === 'input-streaming') {
      const message = `run ${run.id}: ${chunk.type} for tool call ${toolCallId}${call ? ` (${call.name})` : ''} before its tool-input-available (${where(stream)})`;
      this.#violate('chunk_out_of_order', message, run, toolCallId);
    } else if (call.phase === 'done' && (stream.replaying || (call.inputError && chunk.type === 'tool-output-error'))) {
      // A replay's copy, or the SDK's tool-output-error that follows a tool-input-error: no news.
    } else if (chunk.type === 'tool-output-available') {
      // A preliminary output is a streaming tool's progress: the call still runs.
      if (!chunk.preliminary) this.#completeTool(run, toolCallId, { status: 'success', result: chunk.output });
    } else {
      const error = chunk.type === 'tool-output-error' ? chunk.errorText : 'the user denied the tool call';
      this.#completeTool(run, toolCallId, { status: 'error', error });
    }
  }

  #completeTool(run: Run, toolCallId: string, outcome: ToolOutcome, inputError = false): void {
    const call = run.tools.get(toolCallId);
    if (!call) return;
    const durationMs = Math.max(0, this.#now() - call.availableAt);
    this.#emit(run, 'tool_completed', { toolCallId, toolName: call.name, ...outcome, durationMs });
    call.phase = 'done';
    call.inputError = inputError;
  }

  #exempt(run: Run, toolCallId: string, reason: string): void {
    const call = run.tools.get(toolCallId);
    if (call) call.exempt ??= reason;
  }

  #end(run: Run, ending: Ending, outcome: Pick<Payload<'agent_completed'>, 'status' | 'error'>): void {
    // An error or an abort may cut a call short: the run says why, and the page shows it.
    if (ending !== 'finish') for (const id of run.tools.keys()) this.#exempt(run, id, `its run ended with ${ending}`);
    this.#unansweredTools(run, ending);
    run.ended = ending;
    const durationMs = Math.max(0, this.#now() - run.startedAt);
    const error = outcome.error === undefined ? {} : { error: outcome.error };
    this.#emit(run, 'agent_completed', { status: outcome.status, ...error, text: run.text, durationMs });
  }

  #unansweredTools(run: Run, before: string): void {
    for (const [toolCallId, call] of run.tools) {
      if (call.phase !== 'input-available' || call.exempt) continue;
      const message = `run ${run.id}: tool call ${toolCallId} (${call.name}) got tool-input-available but no tool-output-available or tool-output-error before ${before}`;
      this.#violate('tool_not_completed', message, run, toolCallId);
    }
  }

  #emit<T extends RunEvent['type']>(run: Run, type: T, payload: Payload<T>): void {
    const { events, arrivals } = this.#result;
    // The union cannot be built from a generic `type`; `Payload<T>` ties the payload to it.
    events.push({
      type,
      threadId: AI_SDK_THREAD_ID,
      runId: run.id,
      seq: events.length + 1,
      ts: this.#now(),
      payload,
    } as RunEvent);
    arrivals.push(this.#frame?.at ?? 0);
  }

  #violate(code: AiSdkViolationCode, message: string, run?: Run, toolCallId?: string): void {
    this.#result.violations.push({
      code,
      message,
      ...(run ? { runId: run.id } : {}),
      ...(toolCallId ? { toolCallId } : {}),
    });
  }

  #now(): number {
    return this.#frame?.epochMs ?? 0;
  }

  /** The lifecycle checker's findings, but for those the stream's rules already named in its own words. */
  #addLifecycleViolations(): void {
    const { violations, events } = this.#result;
    const key = (v: Pick<HarnessViolation, 'code' | 'runId' | 'toolCallId'>) => `${v.code}|${v.runId}|${v.toolCallId}`;
    const named = new Set(violations.map(key));
    for (const { code, message, runId, toolCallId } of checkRunLifecycle(events)) {
      if (named.has(key({ code, runId, toolCallId }))) continue;
      const exempt = code === 'tool_not_completed' && this.#runs.get(runId ?? '')?.tools.get(toolCallId ?? '')?.exempt;
      if (exempt) continue;
      violations.push({ code, message, ...(runId ? { runId } : {}), ...(toolCallId ? { toolCallId } : {}) });
    }
  }
}
