/**
 * The scenario agent: plays a scripted scenario (see scenario-file.ts) so that
 * tests can select exact event sequences, e.g. `/scenario burst 5000`.
 */
import type { Agent, AgentContext } from '../runtime/agent';
import { bindScenario, type Scenario, ScenarioError, type ScenarioStep } from './scenario-file';

export const SCENARIO_AGENT_NAME = 'scenario';
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
    const text = step.text ?? 'token {i} ';
    for (let i = 1; i <= step.burst; i += 1) context.stream(text.replaceAll('{i}', String(i)));
  } else if ('pause' in step) {
    await context.pause(step.pause);
  } else {
    throw new Error(step.fail);
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
