/**
 * What `toHaveRendered(type)` requires of a page, event type by event type:
 * the effect each event owns, read through the UI map. Where the UI map
 * cannot see an effect (no thought selector, say), the check says so instead
 * of passing on nothing.
 */

import { type EventOf, isKeepAlive, type RunEventType } from '../../../protocol';
import type { AgentRuns, HarnessTurn, RunView } from '../runs';
import { markdownText } from './markdown-text';
import { missingProgress } from './progress-check';

const FINAL_STATE_OF = { success: 'completed', failed: 'failed', cancelled: 'cancelled', interrupted: 'interrupted' };
const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Long texts in a message: the start only. */
function clip(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

const unseen = (type: RunEventType, selector: string) =>
  [`the UI map has no \`${selector}\`, so ${type} cannot be checked on this page`] as const;

function thoughtsMissing(runs: AgentRuns, view: RunView): string[] {
  if (!runs.ui.thought) return [...unseen('agent_thinking', 'thought')];
  const expected = view.events.flatMap((event) =>
    event.type === 'agent_thinking' && !isKeepAlive(event) ? [event.payload.thought] : [],
  );
  const shown = view.commits.at(-1)?.thoughts ?? [];
  const missing = expected
    .filter((thought, index) => !(shown[index] ?? '').includes(thought))
    .map((thought) => `agent_thinking "${thought}" never rendered`);
  if (shown.length !== expected.length) {
    missing.push(
      `agent_thinking: the page shows ${shown.length} thought(s) for ${expected.length} ` +
        `(keep-alives are not thoughts): ${shown.map((item) => clip(item, 40)).join(', ')}`,
    );
  }
  return missing;
}

/** The arguments as drawn: the same JSON, or its start when the page cuts it ("…"); nothing for no arguments. */
function argsDrawn(text: string, args: unknown): boolean {
  const json = JSON.stringify(args ?? null);
  if (text.trim() === '') return json === '{}' || json === 'null' || json === '[]';
  try {
    return JSON.stringify(JSON.parse(text)) === json;
  } catch {
    return text.endsWith('…') && json.startsWith(text.slice(0, -1));
  }
}

function toolCallsMissing(runs: AgentRuns, view: RunView): string[] {
  const { ui } = runs;
  if (!ui.toolCall) return [...unseen('tool_executing', 'toolCall')];
  const last = view.commits.at(-1);
  return view.events.flatMap((event) => {
    if (event.type !== 'tool_executing') return [];
    const { toolCallId, toolName, args } = event.payload;
    const tool = last && runs.toolOf(view, last, toolCallId);
    if (!tool) return [`tool_executing never rendered for call ${toolCallId}`];
    const problems: string[] = [];
    if (ui.toolName && tool.name !== toolName)
      problems.push(`tool name ${clip(toolName)} not drawn (shows ${clip(tool.name)})`);
    if (ui.toolArgs && !argsDrawn(tool.args ?? '', args)) {
      problems.push(`arguments ${clip(JSON.stringify(args ?? null))} not drawn (shows ${clip(tool.args ?? '')})`);
    }
    return problems.map((problem) => `tool_executing for call ${toolCallId}: ${problem}`);
  });
}

function completionsMissing(runs: AgentRuns, view: RunView): string[] {
  if (!runs.ui.toolState) return [...unseen('tool_completed', 'toolState')];
  return view.events.flatMap((event) => {
    if (event.type !== 'tool_completed') return [];
    const { toolCallId, status } = event.payload;
    const drawn = view.commits.some((commit) => runs.toolOf(view, commit, toolCallId)?.state === status);
    return drawn ? [] : [`tool_completed never rendered for call ${toolCallId} (no "${status}" state drawn)`];
  });
}

async function answerMissing(runs: AgentRuns, turn: HarnessTurn, view: RunView): Promise<string[]> {
  const deltas = view.events.flatMap((event) => (event.type === 'partial_result' ? [event.payload.delta] : []));
  const joined = deltas.join('');
  const parts = await turn.root
    .locator(runs.ui.answer)
    .allTextContents()
    .catch(() => []);
  const answer = parts.join('');
  const markdown = runs.ui.answerFormat === 'markdown';
  const due = markdown ? markdownText(joined) : joined;
  if (collapse(answer) === collapse(due)) return [];
  return [
    `partial_result: the answer shows ${clip(collapse(answer))} but the ${deltas.length} deltas join to ${clip(collapse(due))}${markdown ? ' (drawn as markdown)' : ''}`,
  ];
}

function endingMissing(runs: AgentRuns, view: RunView, ending: EventOf<'agent_completed'>): string[] {
  if (!runs.ui.turnState && !runs.ui.busy) return [...unseen('agent_completed', 'turnState or busy')];
  const due = FINAL_STATE_OF[ending.payload.status];
  const state = view.commits.at(-1)?.state ?? '';
  // A page that shows no turn state can only show that the run ended.
  if (state === due || (state === 'ended' && !runs.ui.turnState)) return [];
  return [`agent_completed: status ${ending.payload.status} drawn as "${state || 'nothing'}", not "${due}"`];
}

/** What is missing on the page for each received event of `type`; [] when all were drawn. */
export async function missingRenders(runs: AgentRuns, turn: HarnessTurn, type: RunEventType): Promise<string[]> {
  const view = runs.view(turn.runId);
  const of = view?.events.filter((event) => event.type === type) ?? [];
  if (!view || of.length === 0) return [`no ${type} event reached the page`];
  switch (type) {
    case 'agent_started': {
      const last = view.commits.at(-1);
      if (!last) return ['agent_started never rendered: no turn was drawn for the run'];
      const name = of[0]?.type === 'agent_started' ? of[0].payload.agentName : '';
      if (runs.ui.agentName && last.agentName !== name) {
        return [`agent_started: agent name ${clip(name)} not drawn (shows ${clip(last.agentName ?? '')})`];
      }
      return [];
    }
    case 'agent_thinking':
      return thoughtsMissing(runs, view);
    case 'tool_executing':
      return toolCallsMissing(runs, view);
    case 'tool_progress':
      if (!runs.ui.toolProgress) return [...unseen('tool_progress', 'toolProgress')];
      return missingProgress(view.events, view.arrivals, view.commits, (commit, id) => runs.toolOf(view, commit, id));
    case 'tool_completed':
      return completionsMissing(runs, view);
    case 'partial_result':
      return answerMissing(runs, turn, view);
    case 'agent_completed':
      return endingMissing(runs, view, of[0] as EventOf<'agent_completed'>);
  }
}
