/**
 * Replay plans: turns a recorded run's events into the steps an agent takes to
 * play it back (think, stream, tool calls with their recorded progress and
 * outcome, the ending), each at its offset from the run's start. Pure, so the
 * timing and ordering rules are tested without a server.
 */
import type { EventOf, RunEvent } from '../../protocol';

/**
 * Where a tool-side event (progress or completion) sits in the recorded order:
 * after the first `afterSteps` steps, and as the `rank`-th tool-side event.
 */
export interface ReplayOrder {
  afterSteps: number;
  rank: number;
}

export interface ReplayProgress extends ReplayOrder {
  /** Offset from the tool call's start. */
  afterMs: number;
  progress: number;
  message?: string;
}

export interface ReplayTool {
  kind: 'tool';
  atMs: number;
  toolName: string;
  args: unknown;
  progress: ReplayProgress[];
  /** How the call ended; undefined when the recording has no tool_completed for it. */
  outcome?: ReplayOrder & { afterMs: number; status: 'success' | 'error'; result?: unknown; error?: string };
  /** Steps played before the call ends (all of them when it never completed). */
  endsAfterSteps: number;
}

export type ReplayStep =
  | { kind: 'think'; atMs: number; thought: string; totalSteps?: number }
  | { kind: 'stream'; atMs: number; delta: string }
  | ReplayTool;

export interface ReplayPlan {
  runId: string;
  steps: ReplayStep[];
  /** How the recorded run ended; undefined for a recording cut short. */
  ending?: { atMs: number; status: EventOf<'agent_completed'>['payload']['status']; error?: string };
}

/** Plans the first run of a trace (a thread's trace may hold several). */
export function planReplay(events: readonly RunEvent[]): ReplayPlan {
  const [first] = events;
  if (!first) throw new Error('the recording has no events');
  const run = events.filter((event) => event.runId === first.runId).sort((a, b) => a.seq - b.seq);
  const startedAt = run[0]?.ts ?? 0;
  const offset = (event: RunEvent) => Math.max(0, event.ts - startedAt);
  const steps: ReplayStep[] = [];
  const openCalls = new Map<string, { step: ReplayTool; startedAt: number }>();
  let ending: ReplayPlan['ending'];
  let toolEvents = 0;

  for (const event of run) {
    switch (event.type) {
      case 'agent_thinking':
        steps.push({ kind: 'think', atMs: offset(event), thought: event.payload.thought, ...totalSteps(event) });
        break;
      case 'partial_result':
        steps.push({ kind: 'stream', atMs: offset(event), delta: event.payload.delta });
        break;
      case 'tool_executing': {
        const step: ReplayTool = {
          kind: 'tool',
          atMs: offset(event),
          toolName: event.payload.toolName,
          args: event.payload.args,
          progress: [],
          endsAfterSteps: Number.POSITIVE_INFINITY,
        };
        steps.push(step);
        openCalls.set(event.payload.toolCallId, { step, startedAt: event.ts });
        break;
      }
      case 'tool_progress': {
        const call = openCalls.get(event.payload.toolCallId);
        call?.step.progress.push({
          afterSteps: steps.length,
          rank: toolEvents++,
          afterMs: Math.max(0, event.ts - call.startedAt),
          progress: event.payload.progress,
          ...(event.payload.message ? { message: event.payload.message } : {}),
        });
        break;
      }
      case 'tool_completed': {
        const call = openCalls.get(event.payload.toolCallId);
        if (!call) break;
        const { status, result, error } = event.payload;
        const afterMs = Math.max(0, event.ts - call.startedAt);
        call.step.outcome = { afterSteps: steps.length, rank: toolEvents++, afterMs, status, result, error };
        call.step.endsAfterSteps = steps.length;
        openCalls.delete(event.payload.toolCallId);
        break;
      }
      case 'agent_completed':
        ending = { atMs: offset(event), status: event.payload.status, error: event.payload.error };
        break;
      case 'agent_started':
        break;
    }
  }
  for (const { step } of openCalls.values()) step.endsAfterSteps = steps.length;
  return { runId: first.runId, steps, ending };
}

function totalSteps(event: EventOf<'agent_thinking'>): { totalSteps?: number } {
  return event.payload.totalSteps ? { totalSteps: event.payload.totalSteps } : {};
}
