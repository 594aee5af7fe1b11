/**
 * The words the page shows for a turn, a tool call and the connection, derived
 * purely from state so they can be unit-tested without a DOM.
 */
import type { Violation } from '../../protocol/lifecycle';
import { formatDuration } from './format';
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
  return 'Connection lost, reconnecting…';
}
