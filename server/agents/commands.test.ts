import { describe, expect, it } from 'vitest';
import type { Agent, AgentContext } from '../runtime/agent';
import { AgentRegistry } from '../runtime/agent-registry';
import { commandCatalog, createHelpAgent, createUnknownCommandAgent, helpText } from './commands';

const offline = commandCatalog({ scenarios: false, faults: false, llm: false });

async function answer(agent: Agent, input: string): Promise<string> {
  let text = '';
  const context = {
    input,
    signal: new AbortController().signal,
    stream: (delta: string) => {
      text += delta;
    },
  } as unknown as AgentContext;
  await agent.run(context);
  return text;
}

describe('commands', () => {
  it('lists the commands this server accepts, then those it has turned off and how to turn them on', () => {
    const text = helpText(offline);
    expect(text.split('\n').slice(0, 2)).toEqual(['Commands:', '/help — Lists the commands.']);
    expect(text).toContain('Turned off on this server:\n/scenario (start the server with AGENT_SCENARIOS=1)');
    expect(text).toContain('/fault (start the server with AGENT_FAULTS=1)');
    const all = helpText(commandCatalog({ scenarios: true, faults: true, llm: true }));
    expect(all).toContain('/fault <switches>; <message> — ');
    expect(all).not.toContain('Turned off');
  });

  it('answers /help, whatever follows it, and fails a disabled or unknown command with why', async () => {
    const help = createHelpAgent(offline);
    await expect(answer(help, '')).resolves.toContain('Commands:');
    await expect(answer(help, '/scenario')).resolves.toContain('Commands:');
    const agent = createUnknownCommandAgent(offline);
    await expect(answer(agent, '/fault suppress=tool_completed; hi')).rejects.toThrow(
      '/fault is turned off on this server: start the server with AGENT_FAULTS=1',
    );
    await expect(answer(agent, '/sceanrio basic')).rejects.toThrow(
      'unknown command /sceanrio; /help lists the commands',
    );
  });

  it('routes an unregistered command to the command agent, but a path or plain text to the default agent', () => {
    const assistant: Agent = { name: 'assistant', description: '', run: async () => {} };
    const help = createHelpAgent(offline);
    const commands = createUnknownCommandAgent(offline);
    const registry = new AgentRegistry()
      .register(assistant, { isDefault: true })
      .register(help, { command: '/help' })
      .register(commands, { commandFallback: true });
    expect(registry.route('/help /scenario')).toEqual({ agent: help, input: '/scenario' });
    expect(registry.route('/fault x; hi')).toEqual({ agent: commands, input: '/fault x; hi' });
    expect(registry.route('/usr/bin is what?').agent).toBe(assistant);
    expect(registry.route('what is 2 + 2?').agent).toBe(assistant);
  });
});
