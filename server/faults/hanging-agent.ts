/**
 * The `hang-after=<n>` fault (AGENT_FAULTS=1 only): wraps an agent so that
 * after n actions (thoughts, deltas, tool calls, pauses) it does nothing more
 * and never returns, like an agent awaiting a model call that never answers
 * and ignores its signal. The runtime still sends keep-alives for the run, and
 * a cancel still ends it: this is the "alive but no progress" case a page must
 * show as stuck.
 */
import type { Agent, AgentContext } from '../runtime/agent';

const never = (): Promise<never> => new Promise<never>(() => {});

function hangingContext(context: AgentContext, actions: number): AgentContext {
  let taken = 0;
  const hung = () => {
    taken += 1;
    return taken > actions;
  };
  return {
    threadId: context.threadId,
    runId: context.runId,
    input: context.input,
    signal: context.signal,
    think: (thought, options) => (hung() ? undefined : context.think(thought, options)),
    stream: (delta) => (hung() ? undefined : context.stream(delta)),
    callTool: (toolName, args) => (hung() ? never() : context.callTool(toolName, args)),
    runOwnTool: (tool, args) => (hung() ? never() : context.runOwnTool(tool, args)),
    callTools: (requests) => (hung() ? never() : context.callTools(requests)),
    pause: (ms) => (hung() ? never() : context.pause(ms)),
  };
}

export function hangAfter(agent: Agent, actions: number): Agent {
  return {
    name: agent.name,
    description: agent.description,
    async run(context) {
      await agent.run(hangingContext(context, actions));
      // An agent that ran out of script hangs too: it never completes on its own.
      await never();
    },
  };
}
