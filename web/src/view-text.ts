/**
 * The words the page shows for a turn, a tool call and the connection, derived
 * purely from state so they can be unit-tested without a DOM.
 */
import type { RunEvent, Violation } from '../../protocol';
import { formatDuration, formatElapsed } from './format';
import type { TurnLiveness } from './liveness';
import type { ChatState } from './state';
import type { Thought, ToolCall, Turn } from './turn';

/** The status line: the current thought while running, the outcome once ended. */
export function turnStatusText(turn: Turn): string {
  switch (turn.state) {
    case 'pending':
      return 'Sending…';
    case 'running': {
      if (turn.cancelRequested) return 'Stopping…';
      const thought = turn.thoughts.at(-1);
      if (thought) return `Thinking (${thoughtStepText(thought)}): ${thought.text}`;
      return turn.agentName ? `${turn.agentName} is starting…` : 'Starting…';
    }
    case 'completed':
      return turn.durationMs === undefined ? 'Completed' : `Completed in ${formatDuration(turn.durationMs)}`;
    case 'failed':
      return `Failed: ${turn.error ?? 'unknown error'}`;
    case 'cancelled':
      return turn.durationMs === undefined ? 'Cancelled' : `Cancelled after ${formatDuration(turn.durationMs)}`;
    case 'interrupted':
      return `Interrupted: ${turn.error ?? 'the server stopped before the run finished'}`;
  }
}

/** A thought's place in the run: "2/4", or "2" when the agent gave no total. */
export function thoughtStepText(thought: Thought): string {
  return thought.totalSteps === undefined ? `${thought.step}` : `${thought.step}/${thought.totalSteps}`;
}

/** Symbol shown beside a tool call, so its state does not rely on colour alone. */
export const toolStateIcon = { running: '…', success: '✓', error: '✕' } as const satisfies Record<
  ToolCall['state'],
  string
>;

/** Text after the tool name: progress while running, then the duration or the error. */
export function toolDetailText(call: ToolCall): string {
  switch (call.state) {
    case 'running':
      if (call.progress === undefined) return 'running';
      return [`${Math.round(call.progress * 100)}%`, call.progressMessage].filter(Boolean).join(' · ');
    case 'success':
      return call.durationMs === undefined ? 'done' : formatDuration(call.durationMs);
    case 'error':
      return call.error ?? 'failed';
  }
}

export function violationText(violation: Violation): string {
  return `Protocol violation: ${violation.message} (${violation.code})`;
}

/** The connection banner's text, or undefined when the socket is open and no banner shows. */
export function connectionBannerText(state: ChatState): string | undefined {
  if (state.connection === 'open') return undefined;
  if (state.connection === 'connecting' && !state.hasConnected) return 'Connecting…';
  if (state.switchingThread) return 'Opening the chat…';
  return 'Connection lost, reconnecting…';
}

/** How long a running turn has been going, e.g. "Running for 12 s". */
export function elapsedText(liveness: TurnLiveness): string {
  return `Running for ${formatElapsed(liveness.elapsedMs)}`;
}

/**
 * The notice of a run without progress, or undefined while it progresses. The
 * stuck text names the threshold, not a ticking count, so its alert is read once.
 */
export function livenessNoticeText(liveness: TurnLiveness, stuckAfterMs: number): string | undefined {
  if (liveness.level === 'quiet') return `Still working, ${formatElapsed(liveness.quietMs)} without progress`;
  if (liveness.level === 'stuck') {
    return `This run seems stuck: no progress for over ${formatElapsed(stuckAfterMs)}. Stop it, or keep waiting.`;
  }
  return undefined;
}

/** Longest arguments summary drawn beside a tool name; the full JSON is in its title. */
export const MAX_TOOL_ARGS_TEXT = 120;

/** A tool call's arguments as drawn: compact JSON, cut at MAX_TOOL_ARGS_TEXT; '' for none. */
export function toolArgsText(args: unknown): string {
  if (args === undefined || args === null) return '';
  const json = JSON.stringify(args) ?? '';
  if (json === '{}' || json === '[]') return '';
  return json.length > MAX_TOOL_ARGS_TEXT ? `${json.slice(0, MAX_TOOL_ARGS_TEXT - 1)}…` : json;
}

/** How long the agent worked before it began to answer: from its start to its first text, or to its end. */
export function thinkingMs(events: readonly RunEvent[]): number | undefined {
  const start = events.find((event) => event.type === 'agent_started');
  const answered = events.find((event) => event.type === 'partial_result' || event.type === 'agent_completed');
  return start && answered ? Math.max(0, answered.ts - start.ts) : undefined;
}

/** The reasoning block's summary: "Thinking…" while the run goes, then "Thought for 1.2 s". */
export function reasoningSummaryText(running: boolean, events: readonly RunEvent[]): string {
  if (running) return 'Thinking…';
  const ms = thinkingMs(events);
  return ms === undefined ? 'Thoughts' : `Thought for ${formatDuration(ms)}`;
}

/** The card under a run that did not complete: what happened, and why, above its Retry button. */
export function outcomeCardText(turn: Turn): { title: string; reason?: string } | undefined {
  switch (turn.state) {
    case 'failed':
      return { title: 'This run failed', reason: turn.error ?? 'unknown error' };
    case 'cancelled':
      return { title: 'You stopped this run', reason: 'What it wrote before stopping is kept above.' };
    case 'interrupted':
      return { title: 'This run was interrupted', reason: turn.error ?? 'the server stopped before the run finished' };
    default:
      return undefined;
  }
}

/** What the page's live region says when a run changes state: its start, and how it ended. */
export function runAnnouncement(turn: Turn, was: Turn['state'] | undefined): string | undefined {
  if (turn.state === 'running')
    return was === 'running' ? undefined : `${turn.agentName ?? 'The agent'} is working on it`;
  if (turn.state === 'pending') return undefined;
  return turnStatusText(turn);
}

/** A turn's accessible name: who speaks in it. */
export function turnLabel(agentName: string | undefined): string {
  return `You and ${agentName ?? 'the agent'}`;
}

/** An agent's avatar: its initial on a hue of its own, so agents can be told apart at a glance. */
export function avatarOf(agentName: string): { letter: string; hue: number } {
  let hash = 0;
  for (const char of agentName) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 360;
  return { letter: (agentName.trim()[0] ?? 'A').toUpperCase(), hue: hash };
}
