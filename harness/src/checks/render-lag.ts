/**
 * Render lag, measured the same way for every protocol: for each run event,
 * the first DOM commit at or after its arrival that shows its effect (0 when
 * the page already showed it as the event arrived), read
 * through the UI map (the answer long enough to hold the delta, the k-th
 * thought, the call's item, its final state…). Both times are the page's
 * clock; from the server's emit (`ts`) too, on wall clocks. Events whose
 * effect the UI map cannot see (no thought selector, say) are not measured.
 */
import { isKeepAlive, percentile, type RunEvent } from '../../../protocol';
import type { ToolCallCommit, TurnCommit } from '../capture/commits';

export interface LagEntry {
  runId: string;
  seq: number;
  type: string;
  /** Arrival in the page → the commit that drew it; undefined when no commit did. */
  lagMs?: number;
  /** The server's emit (`ts`) → that commit, on wall clocks (they must agree). */
  sinceEmitMs?: number;
}

export interface LagInput {
  events: readonly RunEvent[];
  arrivals: readonly number[];
  commits: readonly TurnCommit[];
  /** The load's `performance.timeOrigin`: commit times plus this are epoch ms. */
  timeOrigin: number;
  toolOf(commit: TurnCommit, toolCallId: string): ToolCallCommit | undefined;
  /** What the UI map can see. */
  sees: {
    thoughts: boolean;
    toolState: boolean;
    toolProgress: boolean;
    turnState: boolean;
    /** The turn tells the seq of the last event it drew. */
    seq?: boolean;
    /** The answer is drawn from markdown: its characters do not count the deltas'. */
    markdown?: boolean;
  };
}

const ENDED = new Set(['completed', 'failed', 'cancelled', 'interrupted', 'ended']);
const nonSpace = (text: string) => text.replace(/\s+/g, '').length;

/** A test of "this commit shows the event", or undefined when the UI map cannot tell. */
type DrawnTest = ((commit: TurnCommit) => boolean) | undefined;

function drawnTests(input: LagInput): DrawnTest[] {
  const { events, sees, toolOf } = input;
  let thoughts = 0;
  let chars = 0;
  return events.map((event): DrawnTest => {
    if (isKeepAlive(event)) return undefined;
    switch (event.type) {
      case 'agent_started':
        return () => true;
      case 'agent_thinking': {
        const k = ++thoughts;
        return sees.thoughts ? (commit) => commit.thoughts.length >= k : undefined;
      }
      case 'tool_executing':
        return (commit) => toolOf(commit, event.payload.toolCallId) !== undefined;
      case 'tool_progress': {
        const due = Math.round(event.payload.progress * 100);
        if (!sees.toolProgress) return undefined;
        return (commit) => {
          const tool = toolOf(commit, event.payload.toolCallId);
          return (
            tool !== undefined && ((tool.progress ?? -1) >= due || tool.state === 'success' || tool.state === 'error')
          );
        };
      }
      case 'tool_completed':
        return sees.toolState
          ? (commit) => toolOf(commit, event.payload.toolCallId)?.state === event.payload.status
          : undefined;
      case 'partial_result': {
        chars += nonSpace(event.payload.delta);
        const due = chars;
        if (sees.seq) return (commit) => (commit.lastSeq ?? 0) >= event.seq;
        return sees.markdown ? undefined : (commit) => commit.answerChars >= due;
      }
      case 'agent_completed':
        return sees.turnState ? (commit) => ENDED.has(commit.state) : undefined;
      default:
        return undefined;
    }
  });
}

export function measureRenderLag(input: LagInput): LagEntry[] {
  const { events, arrivals, commits, timeOrigin } = input;
  const tests = drawnTests(input);
  return events.flatMap((event, index) => {
    const drawn = tests[index];
    if (!drawn) return [];
    const arrived = arrivals[index] ?? 0;
    const entry: LagEntry = { runId: event.runId, seq: event.seq, type: event.type };
    // Already on screen when it arrived: a protocol whose normalized event comes after what the page
    // draws from (AG-UI's tool_executing is read at TOOL_CALL_END; the page draws at TOOL_CALL_START).
    const before = commits.findLast((candidate) => candidate.at < arrived);
    const at =
      before && drawn(before) ? arrived : commits.find((candidate) => candidate.at >= arrived && drawn(candidate))?.at;
    if (at === undefined) return [entry];
    return [{ ...entry, lagMs: at - arrived, sinceEmitMs: timeOrigin + at - event.ts }];
  });
}

export interface LagStats {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

/** p50 / p95 / max of the measured lags, per event type. */
export function summarizeLag(entries: readonly LagEntry[]): Record<string, LagStats> {
  const byType = new Map<string, number[]>();
  for (const entry of entries) {
    if (entry.lagMs === undefined) continue;
    byType.set(entry.type, [...(byType.get(entry.type) ?? []), entry.lagMs]);
  }
  return Object.fromEntries(
    [...byType].map(([type, lags]) => {
      const sorted = [...lags].sort((a, b) => a - b);
      const round = (ms: number) => Math.round(ms * 10) / 10;
      return [
        type,
        {
          count: sorted.length,
          p50: round(percentile(sorted, 0.5)),
          p95: round(percentile(sorted, 0.95)),
          max: round(sorted.at(-1) ?? 0),
        },
      ];
    }),
  );
}
