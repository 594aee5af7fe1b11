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
import { abortableWait } from '../runtime/abortable-wait';
import type { Agent, AgentContext } from '../runtime/agent';
import { DEFAULT_TOOL_TIMEOUT_MS, type ToolOutcome } from '../runtime/tool-dispatcher';
import { defineTool } from '../tools/tool';
import { ReplayOrder } from './replay-order';
import { ordersOf, planReplay, type ReplayPlan, type ReplayTool } from './replay-plan';

const REPLAY_AGENT_NAME = 'replay';
export const REPLAY_COMMAND = '/replay';
/** Largest time scale accepted: a 10× slower replay. */
const MAX_REPLAY_SCALE = 10;

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
        // The folder is the server's business: the caller only learns the name.
        throw new ReplayError(
          error.code === 'ENOENT'
            ? `no recording "${name}"`
            : `cannot read recording "${name}" (${error.code ?? 'read error'})`,
        );
      });
      await play(context, planReplay(parseTrace(text, `${name}.jsonl`)), scale);
    },
  };
}

/**
 * Plays the plan at its recorded offsets × scale, and keeps the recorded order
 * however fast it plays: each event waits for every event recorded before it.
 */
async function play(context: AgentContext, plan: ReplayPlan, scale: number): Promise<void> {
  const startedAt = performance.now();
  const waitUntil = async (atMs: number) => {
    const wait = startedAt + atMs * scale - performance.now();
    if (wait > 0) await context.pause(wait);
  };
  const order = new ReplayOrder();
  const calls: Promise<ToolOutcome>[] = [];

  for (const step of plan.steps) {
    await waitUntil(step.atMs);
    await order.reached(step.order, context.signal);
    if (step.kind === 'think') context.think(step.thought, { totalSteps: step.totalSteps });
    else if (step.kind === 'stream') context.stream(step.delta);
    else {
      // tool_executing is emitted synchronously; tool_completed before `outcome` resolves.
      const outcome = context.runOwnTool(recordedTool(step, plan, scale, order), step.args);
      // A call that ended early (cancelled, timed out) releases the orders it will never emit.
      void outcome.then(() => {
        for (const taken of ordersOf(step)) order.complete(taken);
      });
      calls.push(outcome);
    }
    order.complete(step.order);
  }
  await Promise.all(calls);
  if (plan.ending) await waitUntil(plan.ending.atMs);
  if (plan.ending && plan.ending.status !== 'success') {
    throw new Error(plan.ending.error ?? `the recorded run ended as ${plan.ending.status}`);
  }
}

/** A tool that reports the recorded progress and ends as recorded, after the recorded time. */
function recordedTool(step: ReplayTool, plan: ReplayPlan, scale: number, order: ReplayOrder) {
  return defineTool({
    name: step.toolName,
    description: 'replays a recorded tool call',
    args: z.unknown(),
    // A recorded call may legitimately run as long as the whole recording; the usual margin on top.
    timeoutMs: Math.ceil(plan.durationMs * scale) + DEFAULT_TOOL_TIMEOUT_MS,
    async execute(_args, { signal, progress }) {
      const startedAt = performance.now();
      const waitUntil = (afterMs: number) => abortableWait(startedAt + afterMs * scale - performance.now(), signal);
      for (const report of step.progress) {
        await waitUntil(report.afterMs);
        await order.reached(report.order, signal);
        progress(report.progress, report.message);
        order.complete(report.order);
      }
      if (!step.outcome) {
        // The runtime guarantees a tool_completed, so a call the recording never closed ends as an error, last.
        await order.reached(plan.orderedEvents, signal);
        throw new Error('the recording has no tool_completed for this call');
      }
      await waitUntil(step.outcome.afterMs);
      await order.reached(step.outcome.order, signal);
      if (step.outcome.status === 'error') throw new Error(step.outcome.error ?? 'the recorded call failed');
      return step.outcome.result;
    },
  });
}
