/**
 * Replay plans: turns a recorded run's events into the steps an agent takes to
 * play it back (think, stream, tool calls with their recorded progress and
 * outcome, the ending), each at its offset from the run's start and with its
 * place in the recorded order. Pure, so the rules are tested without a server.
 */
import { type EventOf, isKeepAlive, type RunEvent } from '../../protocol';

/** Place of a replayed event in the recorded order: 0, 1, 2… over the events the replay emits. */
interface Ordered {
  order: number;
}

interface ReplayProgress extends Ordered {
  /** Offset from the tool call's start. */
  afterMs: number;
  progress: number;
  message?: string;
}

export interface ReplayTool extends Ordered {
  kind: 'tool';
  atMs: number;
  toolName: string;
  args: unknown;
  progress: ReplayProgress[];
  /** How the call ended; undefined when the recording has no tool_completed for it. */
  outcome?: Ordered & { afterMs: number; status: 'success' | 'error'; result?: unknown; error?: string };
}

type ReplayStep =
  | (Ordered & { kind: 'think'; atMs: number; thought: string; totalSteps?: number })
  | (Ordered & { kind: 'stream'; atMs: number; delta: string })
  | ReplayTool;

export interface ReplayPlan {
  runId: string;
  steps: ReplayStep[];
  /** Events the replay emits in the recorded order (everything but agent_started and agent_completed). */
  orderedEvents: number;
  /** Offset of the run's last recorded event. */
  durationMs: number;
  /** How the recorded run ended; undefined for a recording cut short. */
  ending?: { atMs: number; status: EventOf<'agent_completed'>['payload']['status']; error?: string };
}

/** Every order a tool call's events take, so a call that ends early can release them. */
export function ordersOf(step: ReplayTool): number[] {
  return [step.order, ...step.progress.map((report) => report.order), ...(step.outcome ? [step.outcome.order] : [])];
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
  let order = 0;

  for (const event of run) {
    // Keep-alives are liveness, not content: the replaying runtime sends its own.
    if (isKeepAlive(event)) continue;
    switch (event.type) {
      case 'agent_thinking':
        steps.push({
          kind: 'think',
          order: order++,
          atMs: offset(event),
          thought: event.payload.thought,
          ...totalSteps(event),
        });
        break;
      case 'partial_result':
        steps.push({ kind: 'stream', order: order++, atMs: offset(event), delta: event.payload.delta });
        break;
      case 'tool_executing': {
        const { toolCallId, toolName, args } = event.payload;
        const step: ReplayTool = { kind: 'tool', order: order++, atMs: offset(event), toolName, args, progress: [] };
        steps.push(step);
        openCalls.set(toolCallId, { step, startedAt: event.ts });
        break;
      }
      case 'tool_progress': {
        const call = openCalls.get(event.payload.toolCallId);
        if (!call) break;
        const { progress, message } = event.payload;
        const afterMs = Math.max(0, event.ts - call.startedAt);
        call.step.progress.push({ order: order++, afterMs, progress, ...(message ? { message } : {}) });
        break;
      }
      case 'tool_completed': {
        const call = openCalls.get(event.payload.toolCallId);
        if (!call) break;
        const { status, result, error } = event.payload;
        const afterMs = Math.max(0, event.ts - call.startedAt);
        call.step.outcome = { order: order++, afterMs, status, result, error };
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
  const durationMs = run.length > 0 ? offset(run[run.length - 1] as RunEvent) : 0;
  return { runId: first.runId, steps, orderedEvents: order, durationMs, ending };
}

function totalSteps(event: EventOf<'agent_thinking'>): { totalSteps?: number } {
  return event.payload.totalSteps ? { totalSteps: event.payload.totalSteps } : {};
}
