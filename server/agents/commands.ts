/**
 * The commands a message may start with: which this server accepts, which it
 * knows but has turned off (and what turns each on), `/help`, and the answer
 * to a command it does not know. A mistyped or disabled command gets a clear
 * answer, never a silent docs search for "/fault …".
 */
import type { Agent } from '../runtime/agent';
import { commandWord } from '../runtime/agent-registry';

export const HELP_COMMAND = '/help';

export interface CommandInfo {
  command: string;
  /** How to type it, e.g. `/scenario <name> [params]`. */
  usage: string;
  description: string;
  enabled: boolean;
  /** For a disabled command: what turns it on. */
  enableWith?: string;
}

export interface CommandSettings {
  scenarios: boolean;
  faults: boolean;
  llm: boolean;
}

/** Every command the server knows, in the order `/help` lists them. */
export function commandCatalog(settings: CommandSettings): CommandInfo[] {
  return [
    { command: HELP_COMMAND, usage: '/help', description: 'Lists the commands.', enabled: true },
    {
      command: '/scenario',
      usage: '/scenario <name> [params]',
      description: 'Runs a scripted scenario (the list is in the palette and /api/scenarios).',
      enabled: settings.scenarios,
      enableWith: 'start the server with AGENT_SCENARIOS=1',
    },
    {
      command: '/replay',
      usage: '/replay <recording>',
      description: 'Plays a recorded run back, event for event.',
      enabled: settings.scenarios,
      enableWith: 'start the server with AGENT_SCENARIOS=1',
    },
    {
      command: '/fault',
      usage: '/fault <switches>; <message>',
      description: 'Breaks the run of the message after it on purpose (suppress=…, stop-after=…, swap=…).',
      enabled: settings.faults,
      enableWith: 'start the server with AGENT_FAULTS=1',
    },
    {
      command: '/llm',
      usage: '/llm <message>',
      description: 'Asks the language model (the default agent when one is set).',
      enabled: settings.llm,
      enableWith: 'set LLM_BASE_URL, LLM_API_KEY and LLM_MODEL',
    },
    {
      command: '/assistant',
      usage: '/assistant <message>',
      description: 'Asks the built-in assistant when a language model is the default.',
      enabled: settings.llm,
      enableWith: 'it already answers every message here: send yours without /assistant',
    },
  ];
}

/** What `/help` answers: the commands this server accepts, then those it has turned off. */
export function helpText(catalog: readonly CommandInfo[]): string {
  const line = (info: CommandInfo) => `${info.usage} — ${info.description}`;
  const enabled = catalog.filter((info) => info.enabled).map(line);
  const disabled = catalog.filter((info) => !info.enabled).map((info) => `${info.command} (${info.enableWith})`);
  const parts = ['Commands:', ...enabled];
  if (disabled.length > 0) parts.push('', 'Turned off on this server:', ...disabled);
  parts.push('', 'Anything else is a question for the agent.');
  return parts.join('\n');
}

/** `/help`: the commands, whatever follows it. */
export function createHelpAgent(catalog: readonly CommandInfo[]): Agent {
  return {
    name: 'help',
    description: 'Lists the commands.',
    async run(context) {
      context.stream(helpText(catalog));
    },
  };
}

/**
 * The registry's command fallback: fails the run of a command no agent has,
 * with why: turned off here, and how to turn it on; or unknown.
 */
export function createUnknownCommandAgent(catalog: readonly CommandInfo[]): Agent {
  return {
    name: 'commands',
    description: 'Explains a command that is unknown or turned off.',
    async run(context) {
      const word = commandWord(context.input) ?? context.input.trim();
      const known = catalog.find((info) => info.command === word);
      if (known && !known.enabled) throw new Error(`${word} is turned off on this server: ${known.enableWith}`);
      throw new Error(`unknown command ${word}; ${HELP_COMMAND} lists the commands`);
    },
  };
}
