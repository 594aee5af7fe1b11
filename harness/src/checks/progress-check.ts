/**
 * Was each tool_progress drawn? Two progress reports, or a progress and the
 * completion, can land before one DOM commit, so "drawn" means: the first
 * commit after the event arrived showed its value, unless a later event of the
 * same call had also arrived by then (then that one's effect is what is due).
 * Arrival and commit times are both the page's clock. Keep-alives repeat a
 * value and own nothing to draw.
 */
import { isKeepAlive, type RunEvent } from '../../../protocol';
import type { ToolCallCommit, TurnCommit } from '../capture/commits';

const percent = (progress: number) => Math.round(progress * 100);

/** Finds a call's item in a commit: by its id where the page shows one, else by call order. */
export type ToolLookup = (commit: TurnCommit, toolCallId: string) => ToolCallCommit | undefined;

/** What is missing for the run's tool_progress events; [] when each was drawn, or superseded before a commit. */
export function missingProgress(
  events: readonly RunEvent[],
  arrivals: readonly number[],
  commits: readonly TurnCommit[],
  toolOf: ToolLookup,
): string[] {
  const problems: string[] = [];
  events.forEach((event, index) => {
    if (event.type !== 'tool_progress' || isKeepAlive(event)) return;
    const { toolCallId } = event.payload;
    const name = `tool_progress seq ${event.seq} (${percent(event.payload.progress)}%) for call ${toolCallId}`;
    const arrived = arrivals[index] ?? 0;
    const commit = commits.find((candidate) => candidate.at >= arrived);
    if (!commit) {
      problems.push(`${name}: no commit was drawn after it arrived`);
      return;
    }
    const superseded = events.some(
      (later, laterIndex) =>
        laterIndex > index &&
        (arrivals[laterIndex] ?? Number.POSITIVE_INFINITY) <= commit.at &&
        (later.type === 'tool_completed' || (later.type === 'tool_progress' && !isKeepAlive(later))) &&
        later.payload.toolCallId === toolCallId,
    );
    if (superseded) return;
    const drawn = toolOf(commit, toolCallId)?.progress;
    const expected = percent(event.payload.progress);
    if (drawn === expected) return;
    const shown = drawn === undefined ? 'no progress' : `${drawn}%`;
    problems.push(`${name}: the first commit after it arrived showed ${shown}, not ${expected}%`);
  });
  return problems;
}
