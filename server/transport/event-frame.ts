/**
 * Reads a run event's fields from its serialized frame, whatever order its
 * keys were written in. The queue and the cluster follower look into frames
 * they otherwise pass on untouched, so they parse only what may be a match:
 * the key order an event happens to be built with elsewhere (RunManager,
 * the run closer, a fault plan) is not part of the contract.
 */
import type { EventOf } from '../../protocol';

export type PartialResultEvent = EventOf<'partial_result'>;

/**
 * How RunManager serializes events today: a run event's seq read with one
 * match, without parsing the payload. Ids with escapes fall through to the parse.
 */
const USUAL_HEAD = /^\{"type":"[a-z_]+","threadId":"[^"\\]*","runId":"[^"\\]*","seq":(\d+),/;

/** A run event's seq (top level, beside its runId); undefined for other frames (a pong, an error notice). */
export function seqOfFrame(frame: string): number | undefined {
  const head = USUAL_HEAD.exec(frame);
  if (head) return Number(head[1]);
  // Any other order: only a frame that names a seq somewhere is worth parsing.
  if (!frame.includes('"seq"')) return undefined;
  const value = parseObject(frame);
  if (typeof value?.runId !== 'string' || !Number.isSafeInteger(value.seq)) return undefined;
  return value.seq as number;
}

/** The event when the frame is a `partial_result` (its top-level type, not one nested in a payload). */
export function partialResultOf(frame: string): PartialResultEvent | undefined {
  // JSON escapes quotes inside strings, so a delta's frame holds this token unescaped wherever its type key sits.
  if (!frame.includes('"partial_result"')) return undefined;
  const value = parseObject(frame);
  if (value?.type !== 'partial_result' || typeof value.runId !== 'string' || !Number.isSafeInteger(value.seq)) {
    return undefined;
  }
  const payload = value.payload as { delta?: unknown } | null | undefined;
  return typeof payload?.delta === 'string' ? (value as unknown as PartialResultEvent) : undefined;
}

function parseObject(frame: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(frame);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
