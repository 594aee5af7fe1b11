/**
 * The frozen-UI check's input, from what the harness recorded of the page's
 * newest load: each turn's commits reduced to "waiting?", "what has it drawn
 * of progress?" (a signature of its content: keep-alives change nothing) and
 * "does it show a stall indicator?", plus the page-wide stall indicator.
 */
import type { TurnCommit } from '../capture/commits';
import type { AgentRuns } from '../runs';
import type { FrozenCheckInput, FrozenCommit } from './frozen-check';

const WAITING = new Set(['pending', 'running']);

/** Everything a turn draws as it progresses; the elapsed time and notices are not progress. */
function signature(commit: TurnCommit): string {
  const tools = commit.tools.map((tool) => `${tool.name}:${tool.state}:${tool.progress ?? ''}`).join(',');
  return `${commit.state}|${commit.answerChars}|${commit.thoughts.length}|${tools}`;
}

function reduce(commit: TurnCommit): FrozenCommit {
  return {
    at: commit.at,
    waiting: WAITING.has(commit.state),
    progress: signature(commit),
    indicator: commit.stall || commit.stuck,
    stuck: commit.stuck,
    elapsed: commit.elapsed,
  };
}

/**
 * A load's commits, turn by turn. A turn is a place on the page (its index)
 * until it shows a run id: its commits from before (a pending turn) belong to
 * that run too, and a different run id at the same place (after a new chat)
 * starts a new turn.
 */
function turnsOf(commits: readonly TurnCommit[]): { runId?: string; index: number; commits: TurnCommit[] }[] {
  const turns: { runId?: string; index: number; commits: TurnCommit[] }[] = [];
  const current = new Map<number, (typeof turns)[number]>();
  for (const commit of commits) {
    let turn = current.get(commit.turnIndex);
    if (!turn || (commit.runId && turn.runId && commit.runId !== turn.runId)) {
      turn = { index: commit.turnIndex, commits: [] };
      current.set(commit.turnIndex, turn);
      turns.push(turn);
    }
    turn.runId ??= commit.runId;
    turn.commits.push(commit);
  }
  return turns;
}

export async function frozenCheckInput(runs: AgentRuns): Promise<FrozenCheckInput> {
  await runs.settle();
  const load = runs.capture.loads.at(-1);
  const now = await runs.page.evaluate(() => performance.now()).catch(() => 0);
  if (!load) return { turns: [], pageStall: [], now, requireElapsed: false };
  const { events } = runs.resultOf(load);
  const runIds = events.filter((event) => event.type === 'agent_started').map((event) => event.runId);
  const turns = turnsOf(load.turns).map((turn) => {
    const runId = turn.runId ?? (runs.ui.runIdAttribute ? undefined : runIds[turn.index]);
    // A page without a turn state: the run's view has its states, inferred from `busy`.
    const inferred = runId && !runs.ui.turnState ? runs.view(runId)?.commits : undefined;
    return { name: runId ? `run ${runId}` : `turn #${turn.index}`, commits: (inferred ?? turn.commits).map(reduce) };
  });
  const pageStall = load.page.map((change) => ({ at: change.at, visible: change.stall }));
  return { turns, pageStall, now, requireElapsed: runs.ui.elapsed !== undefined };
}
