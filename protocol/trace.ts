/**
 * Traces: a run's events as JSONL, one wire frame per line, exactly as a
 * client received them. `npm run record` writes them, the replay agent plays
 * them back, and golden traces compare their normalized form.
 */

import { isKeepAlive, type RunEvent, runEventSchema } from './events';
import { describeIssues } from './parse';

/** A trace that cannot be read; the message names the line and what is wrong. */
export class TraceError extends Error {
  override name = 'TraceError';
}

/** Parses JSONL run events; blank lines are skipped, anything else off the contract throws. */
export function parseTrace(text: string, source = 'trace'): RunEvent[] {
  const events: RunEvent[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      throw new TraceError(`${source}:${index + 1}: not JSON`);
    }
    const parsed = runEventSchema.safeParse(data);
    if (!parsed.success)
      throw new TraceError(`${source}:${index + 1}: not a run event: ${describeIssues(parsed.error)}`);
    events.push(parsed.data);
  }
  return events;
}

export function serializeTrace(events: readonly unknown[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}

/** Fields whose values are ids, replaced by `id-N` in first-seen order. */
const ID_FIELDS = new Set(['threadId', 'runId', 'toolCallId']);
/** Fields that vary from run to run without the stream being different. */
const TIMING_FIELDS = new Set(['ts', 'durationMs']);
/** Epoch milliseconds (2001–2286) inside text or numbers, e.g. a clock tool's result. */
const EPOCH_MS = /\b\d{13}(?:\.\d+)?\b/g;
const EPOCH_MS_PLACEHOLDER = '<epoch-ms>';

export interface NormalizeOptions {
  /**
   * Drop `tool_progress` events: their count follows timers, not the
   * scenario, so a golden trace with them would flake.
   * @default true
   */
  dropProgress?: boolean;
}

/**
 * The normalized form of a run's events, for golden comparisons: ids become
 * `id-N` in first-seen order, timestamps and durations are dropped, epoch
 * milliseconds elsewhere become `<epoch-ms>`, keep-alives (sent on timers) and,
 * by default, timer-driven progress are left out. `seq` is renumbered from 1
 * so that dropping events leaves no gaps.
 */
export function normalizeTrace(events: readonly RunEvent[], options: NormalizeOptions = {}): unknown[] {
  const ids = new Map<string, string>();
  const idFor = (value: string) => {
    let id = ids.get(value);
    if (id === undefined) {
      id = `id-${ids.size + 1}`;
      ids.set(value, id);
    }
    return id;
  };
  const normalize = (value: unknown, key?: string): unknown => {
    if (key !== undefined && ID_FIELDS.has(key) && typeof value === 'string') return idFor(value);
    if (typeof value === 'string') return value.replace(EPOCH_MS, EPOCH_MS_PLACEHOLDER);
    if (typeof value === 'number' && value >= 1e12 && value < 1e13) return EPOCH_MS_PLACEHOLDER;
    if (Array.isArray(value)) return value.map((item) => normalize(item));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([field]) => !TIMING_FIELDS.has(field))
        .map(([field, item]) => [field, normalize(item, field)]),
    );
  };
  const kept = events.filter(
    (event) => !isKeepAlive(event) && (options.dropProgress === false || event.type !== 'tool_progress'),
  );
  return kept.map((event, index) => ({ ...(normalize(event) as object), seq: index + 1 }));
}
