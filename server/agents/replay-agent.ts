/**
 * The replay agent: plays a recorded run (a JSONL trace from `npm run record`,
 * or one taken from production) back with its original timing, or scaled:
 * `/replay <name> [scale=<factor>]` plays `<dir>/<name>.jsonl`. It acts through
 * AgentContext like any agent, so the runtime still brackets every tool call
 * and the run, numbers the events and journals them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseTrace } from '../../protocol';
import type { Agent, AgentContext } from '../runtime/agent';
import { delay } from '../runtime/delay';
import { DEFAULT_TOOL_TIMEOUT_MS, type ToolOutcome } from '../runtime/tool-dispatcher';
import { defineTool } from '../tools/tool';
import { planReplay, type ReplayOrder, type ReplayPlan, type ReplayTool } from './replay-plan';

export const REPLAY_AGENT_NAME = 'replay';
export const REPLAY_COMMAND = '/replay';
/** Largest time scale accepted: a 10× slower replay. */
export const MAX_REPLAY_SCALE = 10;

const RECORDING_NAME = /^[\w-][\w.-]*$/;

/** A replay that cannot start; the message says why. */
export class ReplayError extends Error {
  override name = 'ReplayError';
}

export interface ReplayRequest {
  name: string;
  /** Multiplies every recorded delay: 1 as recorded, 0.5 twice as fast, 0 no waiting. */
  scale: number;
}

/** Parses `<name> [scale=<factor>]`. */
export function parseReplayInput(input: string): ReplayRequest {
  const [name = '', ...options] = input.split(/\s+/).filter(Boolean);
  if (!RECORDING_NAME.test(name)) {
    throw new ReplayError(`usage: ${REPLAY_COMMAND} <recording name> [scale=<0..${MAX_REPLAY_SCALE}>]`);
  }
  let scale = 1;
  for (const option of options) {
    const [key, value] = option.split('=', 2);
    const parsed = z.coerce.number().min(0).max(MAX_REPLAY_SCALE).safeParse(value);
    if (key !== 'scale' || value === undefined || value === '' || !parsed.success) {
      throw new ReplayError(`unknown replay option "${option}"; expected scale=<0..${MAX_REPLAY_SCALE}>`);
    }
    scale = parsed.data;
  }
  return { name: name.replace(/\.jsonl$/, ''), scale };
}

export interface ReplayAgentOptions {
  /** Folder holding `<name>.jsonl` recordings. */
  dir: string;
}

export function createReplayAgent(options: ReplayAgentOptions): Agent {
  return {
    name: REPLAY_AGENT_NAME,
    description: `Plays a recorded run back: ${REPLAY_COMMAND} <name> [scale=<factor>]`,
    async run(context) {
      const { name, scale } = parseReplayInput(context.input);
      const file = path.join(options.dir, `${name}.jsonl`);
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new ReplayError(
          error.code === 'ENOENT'
            ? `no recording "${name}" in ${options.dir}`
            : `cannot read ${file}: ${error.message}`,
        );
      });
      await play(context, planReplay(parseTrace(text, `${name}.jsonl`)), scale);
    },
  };
}

/**
 * Plays the plan at its recorded offsets × scale, and keeps the recorded order
 * however fast it plays: a tool's progress or completion waits for the steps
 * and the tool-side events recorded before it.
 */
async function play(context: AgentContext, plan: ReplayPlan, scale: number): Promise<void> {
  const startedAt = performance.now();
  const waitUntil = async (atMs: number) => {
    const delay = startedAt + atMs * scale - performance.now();
    if (delay > 0) await context.pause(delay);
  };
  const stepsDone = new Milestone();
  const toolEventsDone = new Milestone();
  const order: ToolOrder = {
    inTurn: async ({ afterSteps, rank }) => {
      await stepsDone.reached(afterSteps);
      await toolEventsDone.reached(rank);
    },
    done: ({ rank }) => toolEventsDone.set(rank + 1),
  };
  const calls: Array<{ step: ReplayTool; outcome: Promise<ToolOutcome> }> = [];
  const settleCallsBefore = async (index: number) => {
    stepsDone.set(index);
    for (const call of calls) if (call.step.endsAfterSteps <= index) await call.outcome;
  };

  for (const [index, step] of plan.steps.entries()) {
    await settleCallsBefore(index);
    await waitUntil(step.atMs);
    if (step.kind === 'think') context.think(step.thought, { totalSteps: step.totalSteps });
    else if (step.kind === 'stream') context.stream(step.delta);
    else {
      const outcome = context.runOwnTool(recordedTool(step, scale, order), step.args);
      const recorded = step.outcome;
      // The dispatcher emits tool_completed before `outcome` resolves.
      if (recorded) void outcome.then(() => order.done(recorded));
      calls.push({ step, outcome });
    }
  }
  await settleCallsBefore(plan.steps.length);
  if (plan.ending) await waitUntil(plan.ending.atMs);
  if (plan.ending && plan.ending.status !== 'success') {
    throw new Error(plan.ending.error ?? `the recorded run ended as ${plan.ending.status}`);
  }
}

interface ToolOrder {
  /** Resolves when a tool-side event may be emitted without overtaking one recorded before it. */
  inTurn(event: ReplayOrder): Promise<void>;
  /** Marks a tool-side event as emitted. */
  done(event: ReplayOrder): void;
}

/** A tool that reports the recorded progress and ends as recorded, after the recorded time. */
function recordedTool(step: ReplayTool, scale: number, order: ToolOrder) {
  return defineTool({
    name: step.toolName,
    description: 'replays a recorded tool call',
    args: z.unknown(),
    // A recorded call may legitimately outlast the default timeout; give it its own time plus the usual margin.
    timeoutMs: Math.ceil((step.outcome?.afterMs ?? 0) * scale) + DEFAULT_TOOL_TIMEOUT_MS,
    async execute(_args, { signal, progress }) {
      const startedAt = performance.now();
      const waitUntil = (afterMs: number) => delay(startedAt + afterMs * scale - performance.now(), signal);
      for (const report of step.progress) {
        await waitUntil(report.afterMs);
        await order.inTurn(report);
        progress(report.progress, report.message);
        order.done(report);
      }
      if (!step.outcome) {
        // The runtime guarantees a tool_completed, so a call the recording never closed ends as an error, last.
        await order.inTurn({ afterSteps: step.endsAfterSteps, rank: 0 });
        throw new Error('the recording has no tool_completed for this call');
      }
      await waitUntil(step.outcome.afterMs);
      await order.inTurn(step.outcome);
      if (step.outcome.status === 'error') throw new Error(step.outcome.error ?? 'the recorded call failed');
      return step.outcome.result;
    },
  });
}

/** A counter that only rises, with waiters for a value. */
class Milestone {
  #value = 0;
  #waiters: Array<{ target: number; resolve: () => void }> = [];

  set(value: number): void {
    this.#value = Math.max(this.#value, value);
    const ready = this.#waiters.filter((waiter) => waiter.target <= this.#value);
    this.#waiters = this.#waiters.filter((waiter) => waiter.target > this.#value);
    for (const waiter of ready) waiter.resolve();
  }

  reached(target: number): Promise<void> {
    if (target <= this.#value) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ target, resolve }));
  }
}
