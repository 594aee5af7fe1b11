/** The AI SDK adapter's model of a page load: its streams, the runs they carry, their parts and tool calls. */
import type { UIMessageChunk } from 'ai';
import type { RunEvent } from '../../../protocol';

export type Payload<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>['payload'];
export type Ending = 'finish' | 'error' | 'abort';
export type Chunk<Prefix extends string> = Extract<UIMessageChunk, { type: `${Prefix}${string}` }>;
export type ToolOutcome = Pick<Payload<'tool_completed'>, 'status' | 'result' | 'error'>;

export interface Part {
  key: string;
  open: boolean;
  text: string;
  /** While a resume replays the part: how much of `text` it has sent again (that is not new). */
  replayed?: number;
  /** A reasoning part's thought was emitted. */
  thought?: boolean;
}

interface ToolCall {
  name: string;
  phase: 'input-streaming' | 'input-available' | 'done';
  availableAt: number;
  /** Completed by `tool-input-error`, which the SDK follows with a `tool-output-error` for the same call. */
  inputError?: boolean;
  /** Why the call may go unanswered: the page runs it, it awaits approval, or its run ended in an error or abort. */
  exempt?: string;
}

export interface Run {
  id: string;
  startedAt: number;
  ended?: Ending;
  text: string;
  /** The open or latest part of each kind and id (a step may reuse an id once the part ended). */
  parts: Map<string, Part>;
  /** Every part in start order, for a replay to walk. */
  log: Part[];
  tools: Map<string, ToolCall>;
  thoughts: number;
}

export interface Stream {
  channel: number;
  url: string;
  run?: Run;
  /** A text, reasoning or tool chunk came: a `start` after that replays the message. */
  content: boolean;
  /** It resumed a cut run by replaying it (`resume: 'replay'`). */
  replaying: boolean;
  /** Where the replay is in the run's parts. */
  replayAt: number;
  /** It carries on a cut run with only the rest (`resume: 'continue'`, or no `start`): read after the run's earlier streams. */
  continues: boolean;
  /** Its valid chunks' texts, in order, for the SDK's own reading of the stream. */
  chunks: string[];
  done: boolean;
}

export function isEnding(type: string): type is Ending {
  return type === 'finish' || type === 'error' || type === 'abort';
}

export function where(stream: Stream): string {
  return `stream ${stream.channel} (${stream.url.replace(/^https?:\/\/[^/]+/, '')})`;
}

export function clip(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
