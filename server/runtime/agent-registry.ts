/**
 * AgentRegistry: the named agents a server offers, and which one a message
 * goes to. A message that starts with an agent's command (e.g. `/scenario`)
 * goes to that agent; another command-shaped word goes to the command
 * fallback (which says it is unknown or turned off); anything else goes to
 * the default agent.
 */
import type { Agent } from './agent';

export interface AgentRoute {
  agent: Agent;
  /** The text the agent sees: the message without the command. */
  input: string;
}

export interface RegisterOptions {
  /** Routes messages starting with this word to the agent, e.g. `/scenario`. */
  command?: string;
  /** Makes this the agent for messages without a command. @default false */
  isDefault?: boolean;
  /** Makes this the agent for a command no agent has (it sees the whole message). @default false */
  commandFallback?: boolean;
}

/** A message's first word, when it has the shape of a command (`/word`, not a path like `/usr/bin`). */
export function commandWord(text: string): string | undefined {
  const [first = ''] = text.trim().split(/\s+/, 1);
  return /^\/[a-z][a-z0-9-]*$/i.test(first) ? first : undefined;
}

export class AgentRegistry {
  readonly #agents = new Map<string, Agent>();
  readonly #commands = new Map<string, Agent>();
  #default: Agent | undefined;
  #commandFallback: Agent | undefined;

  register(agent: Agent, options: RegisterOptions = {}): this {
    if (this.#agents.has(agent.name)) throw new Error(`agent "${agent.name}" is already registered`);
    this.#agents.set(agent.name, agent);
    if (options.command) this.#commands.set(options.command, agent);
    if (options.isDefault) this.#default = agent;
    if (options.commandFallback) this.#commandFallback = agent;
    return this;
  }

  get(name: string): Agent | undefined {
    return this.#agents.get(name);
  }

  list(): { name: string; description: string; command?: string }[] {
    const commandOf = new Map([...this.#commands].map(([command, agent]) => [agent, command]));
    return [...this.#agents.values()].map((agent) => ({
      name: agent.name,
      description: agent.description,
      ...(commandOf.has(agent) ? { command: commandOf.get(agent) } : {}),
    }));
  }

  /** Picks the agent for a message; throws when there is no default agent. */
  route(text: string): AgentRoute {
    const trimmed = text.trim();
    const [first = ''] = trimmed.split(/\s+/, 1);
    const commanded = this.#commands.get(first);
    if (commanded) return { agent: commanded, input: trimmed.slice(first.length).trim() };
    if (this.#commandFallback && commandWord(trimmed)) return { agent: this.#commandFallback, input: trimmed };
    if (!this.#default) throw new Error('no default agent is registered');
    return { agent: this.#default, input: trimmed };
  }
}
