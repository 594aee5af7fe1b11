/**
 * Run-lifecycle checker: a pure function that lists every way an event stream
 * breaks the contract. The server tests, the page and the e2e suite share it.
 */
import type { RunEvent } from './events';

export const VIOLATION_CODES = [
  'seq_not_starting_at_one',
  'seq_gap',
  'seq_not_increasing',
  'missing_agent_started',
  'duplicate_agent_started',
  'event_after_completed',
  'duplicate_agent_completed',
  'run_not_terminated',
  'run_changed_thread',
  'duplicate_tool_call',
  'tool_completed_without_executing',
  'duplicate_tool_completed',
  'tool_name_mismatch',
  'tool_progress_outside_call',
  'tool_not_completed',
  'keepalive_not_a_repeat',
] as const;
export type ViolationCode = (typeof VIOLATION_CODES)[number];

export interface Violation {
  code: ViolationCode;
  /** Human-readable, naming the run, tool call and seq involved. */
  message: string;
  threadId: string;
  runId?: string;
  toolCallId?: string;
  seq?: number;
}

export interface LifecycleCheckOptions {
  /**
   * Report runs that have no `agent_completed` yet. Turn off to check a stream
   * that is still in flight.
   * @default true
   */
  requireTermination?: boolean;
  /**
   * Require each thread's first event in the list to have seq 1. Turn off when
   * the list starts mid-thread (for example after a resume).
   * @default true
   */
  requireSeqFromOne?: boolean;
}

interface ToolCallState {
  toolName: string;
  completed: boolean;
  /** The latest progress reported, which a keep-alive may only repeat. */
  progress?: number;
}

interface RunState {
  threadId: string;
  started: boolean;
  completedAtSeq?: number;
  tools: Map<string, ToolCallState>;
  /** Step of the latest real (not keep-alive) thought; 0 before the first. */
  thoughtStep: number;
}

/** Returns every violation of the run invariants, in stream order; `[]` means valid. */
export function checkRunLifecycle(events: readonly RunEvent[], options: LifecycleCheckOptions = {}): Violation[] {
  const { requireTermination = true, requireSeqFromOne = true } = options;
  const violations: Violation[] = [];
  const lastSeqByThread = new Map<string, number>();
  const runs = new Map<string, RunState>();

  for (const event of events) {
    const { threadId, runId, seq } = event;
    const report = (code: ViolationCode, message: string, toolCallId?: string) =>
      violations.push({ code, message, threadId, runId, seq, ...(toolCallId ? { toolCallId } : {}) });

    const lastSeq = lastSeqByThread.get(threadId);
    // A coalesced partial_result stands for every seq from coalescedFrom to seq.
    const firstSeq = event.type === 'partial_result' ? (event.payload.coalescedFrom ?? seq) : seq;
    if (firstSeq > seq) {
      report('seq_not_increasing', `thread ${threadId}: coalescedFrom ${firstSeq} is after seq ${seq}`);
    }
    if (lastSeq === undefined) {
      if (requireSeqFromOne && firstSeq !== 1) {
        report('seq_not_starting_at_one', `thread ${threadId} starts at seq ${firstSeq}, not 1`);
      }
    } else if (firstSeq <= lastSeq) {
      report('seq_not_increasing', `thread ${threadId}: seq ${firstSeq} (${event.type}) follows seq ${lastSeq}`);
    } else if (firstSeq !== lastSeq + 1) {
      report(
        'seq_gap',
        `thread ${threadId}: seq jumps from ${lastSeq} to ${firstSeq}; ${firstSeq - lastSeq - 1} event(s) missing`,
      );
    }
    lastSeqByThread.set(threadId, Math.max(seq, lastSeq ?? seq));

    let run = runs.get(runId);
    if (!run) {
      run = { threadId, started: false, tools: new Map(), thoughtStep: 0 };
      runs.set(runId, run);
      if (event.type !== 'agent_started') {
        report('missing_agent_started', `run ${runId} began with ${event.type}, not agent_started`);
      }
    } else if (run.threadId !== threadId) {
      report('run_changed_thread', `run ${runId} moved from thread ${run.threadId} to ${threadId}`);
    }

    if (run.completedAtSeq !== undefined) {
      if (event.type === 'agent_completed') {
        report('duplicate_agent_completed', `run ${runId} completed twice (seq ${run.completedAtSeq} and ${seq})`);
      } else {
        report('event_after_completed', `run ${runId}: ${event.type} at seq ${seq} follows agent_completed`);
      }
      continue;
    }

    switch (event.type) {
      case 'agent_started':
        if (run.started) report('duplicate_agent_started', `run ${runId} started twice`);
        run.started = true;
        break;
      case 'tool_executing': {
        const { toolCallId, toolName } = event.payload;
        if (run.tools.has(toolCallId)) {
          report('duplicate_tool_call', `run ${runId}: tool call ${toolCallId} executed twice`, toolCallId);
        } else {
          run.tools.set(toolCallId, { toolName, completed: false });
        }
        break;
      }
      case 'tool_progress': {
        const { toolCallId, progress, keepAlive } = event.payload;
        const call = run.tools.get(toolCallId);
        if (!call || call.completed) {
          const where = call ? 'after its tool_completed' : 'without tool_executing';
          report('tool_progress_outside_call', `run ${runId}: tool_progress for ${toolCallId} ${where}`);
        } else if (keepAlive && progress !== (call.progress ?? 0)) {
          const message = `run ${runId}: keep-alive tool_progress at seq ${seq} moves ${toolCallId} from ${call.progress ?? 0} to ${progress}`;
          report('keepalive_not_a_repeat', message, toolCallId);
        } else {
          call.progress = progress;
        }
        break;
      }
      case 'tool_completed': {
        const { toolCallId, toolName } = event.payload;
        const call = run.tools.get(toolCallId);
        if (!call) {
          report(
            'tool_completed_without_executing',
            `run ${runId}: tool_completed for ${toolCallId} (${toolName}) without tool_executing`,
            toolCallId,
          );
        } else if (call.completed) {
          report('duplicate_tool_completed', `run ${runId}: tool call ${toolCallId} completed twice`, toolCallId);
        } else {
          call.completed = true;
          if (call.toolName !== toolName) {
            report(
              'tool_name_mismatch',
              `run ${runId}: tool call ${toolCallId} executed ${call.toolName} but completed ${toolName}`,
              toolCallId,
            );
          }
        }
        break;
      }
      case 'agent_completed':
        run.completedAtSeq = seq;
        for (const [toolCallId, call] of run.tools) {
          if (!call.completed) {
            report(
              'tool_not_completed',
              `run ${runId}: tool call ${toolCallId} (${call.toolName}) has no tool_completed before agent_completed`,
              toolCallId,
            );
          }
        }
        break;
      case 'agent_thinking': {
        const { step, keepAlive } = event.payload;
        // A keep-alive repeats the current step (step 1 before any thought): it is liveness, not a new thought.
        if (!keepAlive) run.thoughtStep = step;
        else if (step !== Math.max(1, run.thoughtStep)) {
          const message = `run ${runId}: keep-alive agent_thinking at seq ${seq} claims step ${step}, the current step is ${Math.max(1, run.thoughtStep)}`;
          report('keepalive_not_a_repeat', message);
        }
        break;
      }
      case 'partial_result':
        break;
    }
  }

  if (requireTermination) {
    for (const [runId, run] of runs) {
      if (run.completedAtSeq === undefined) {
        const { threadId } = run;
        violations.push({ code: 'run_not_terminated', message: `run ${runId} never terminated`, threadId, runId });
        for (const [toolCallId, call] of run.tools) {
          if (call.completed) continue;
          const message = `run ${runId}: tool call ${toolCallId} (${call.toolName}) never completed`;
          violations.push({ code: 'tool_not_completed', message, threadId, runId, toolCallId });
        }
      }
    }
  }
  return violations;
}

/** One violation per line, for test failure messages. */
export function formatViolations(violations: readonly { code: string; message: string }[]): string {
  return violations.map((v) => `- [${v.code}] ${v.message}`).join('\n');
}
