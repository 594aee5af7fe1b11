/**
 * The scenario agent: plays a scripted scenario (see scenario-file.ts) so that
 * tests can select exact event sequences, e.g. `/scenario burst 5000`.
 */
import type { Agent, AgentContext } from '../runtime/agent';
import { bindScenario, type Scenario, ScenarioError, type ScenarioStep } from './scenario-file';

const SCENARIO_AGENT_NAME = 'scenario';
export const SCENARIO_COMMAND = '/scenario';

export function createScenarioAgent(scenarios: ReadonlyMap<string, Scenario>): Agent {
  return {
    name: SCENARIO_AGENT_NAME,
    description: `Plays scripted scenarios: ${SCENARIO_COMMAND} <name> [args]`,
    async run(context) {
      const [name = '', ...args] = context.input.split(/\s+/).filter(Boolean);
      const scenario = scenarios.get(name);
      if (!scenario) {
        const known = [...scenarios.keys()].join(', ');
        throw new ScenarioError(`unknown scenario "${name}"; available: ${known}`);
      }
      const steps = bindScenario(scenario, args);
      const totalSteps = steps.filter((step) => 'think' in step).length;
      for (const step of steps) await playStep(context, step, totalSteps);
    },
  };
}

async function playStep(context: AgentContext, step: ScenarioStep, totalSteps: number): Promise<void> {
  if ('think' in step) {
    context.think(step.think, { totalSteps });
    if (step.pauseMs) await context.pause(step.pauseMs);
  } else if ('tool' in step) {
    await context.callTool(step.tool, step.args ?? {});
  } else if ('parallel' in step) {
    await context.callTools(step.parallel.map(({ tool, args }) => ({ toolName: tool, args: args ?? {} })));
  } else if ('say' in step) {
    await say(context, step.say, step.wordsPerDelta ?? 1, step.pauseMs ?? 0);
  } else if ('burst' in step) {
    await burst(context, step.burst, step.text ?? 'token {i} ');
  } else if ('stream' in step) {
    await streamSteadily(context, step.stream, step.perSecond ?? 0, step.text ?? 'token {i} ');
  } else if ('pause' in step) {
    await context.pause(step.pause);
  } else {
    throw new Error(step.fail);
  }
}

/**
 * Deltas a burst emits per macrotask before it yields: big enough to arrive in
 * bursts, small enough that one message cannot hold the server for everyone.
 */
export const BURST_CHUNK = 1_000;

async function burst(context: AgentContext, count: number, text: string): Promise<void> {
  for (let i = 1; i <= count; i += 1) {
    context.stream(text.replaceAll('{i}', String(i)));
    if (i % BURST_CHUNK === 0 && i < count) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (context.signal.aborted) throw context.signal.reason;
    }
  }
}

/** Deltas emitted per macrotask by an unpaced stream (`perSecond` 0) before it yields to the event loop. */
export const UNPACED_STREAM_CHUNK = 100;

/**
 * Streams `count` deltas at a steady `perSecond`, catching up when a timer
 * fires late, so the average rate holds; 0 streams as fast as the event loop
 * allows, yielding (setImmediate) after every UNPACED_STREAM_CHUNK deltas so
 * sockets can drain. In `text`, `{i}` is the delta's number (from 1) and
 * `{now}` the emit time (performance.timeOrigin + performance.now(), ms with a
 * sub-ms fraction), which lets a benchmark measure emit-to-receive latency.
 */
async function streamSteadily(context: AgentContext, count: number, perSecond: number, text: string): Promise<void> {
  const startedAt = performance.now();
  const stamped = text.includes('{now}');
  let sent = 0;
  while (sent < count) {
    const elapsed = performance.now() - startedAt;
    const due = perSecond > 0 ? Math.floor((elapsed * perSecond) / 1000) + 1 : sent + UNPACED_STREAM_CHUNK;
    for (const end = Math.min(count, due); sent < end; ) {
      sent += 1;
      const delta = text.replaceAll('{i}', String(sent));
      context.stream(stamped ? delta.replaceAll('{now}', String(performance.timeOrigin + performance.now())) : delta);
    }
    if (sent >= count) return;
    if (perSecond > 0) {
      const nextAt = startedAt + (sent * 1000) / perSecond;
      await context.pause(Math.max(1, Math.ceil(nextAt - performance.now())));
    } else {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (context.signal.aborted) throw context.signal.reason;
    }
  }
}

async function say(context: AgentContext, text: string, wordsPerDelta: number, pauseMs: number): Promise<void> {
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const size = Math.max(1, wordsPerDelta);
  for (let i = 0; i < words.length; i += size) {
    context.stream(words.slice(i, i + size).join(''));
    if (pauseMs > 0 && i + size < words.length) await context.pause(pauseMs);
  }
}
