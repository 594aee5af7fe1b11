import { describe, expect, it } from 'vitest';
import { matchingEntries, paletteEntries } from './command-palette';

const answer = {
  enabled: true,
  faults: false,
  scenarios: [
    { name: 'basic', description: 'A short run.', params: {} },
    { name: 'burst', description: 'Many deltas.', params: {} },
  ],
  commands: [
    { command: '/help', usage: '/help', description: 'Lists the commands.', enabled: true },
    {
      command: '/fault',
      usage: '/fault <switches>; <message>',
      description: 'Breaks a run.',
      enabled: false,
      enableWith: 'start the server with AGENT_FAULTS=1',
    },
  ],
};

describe('command palette', () => {
  const entries = paletteEntries(answer);

  it('lists each command, saying which are turned off, then each scenario', () => {
    expect(entries.map((entry) => entry.label)).toEqual([
      '/help',
      '/fault <switches>; <message>',
      '/scenario basic',
      '/scenario burst',
    ]);
    expect(entries[1]?.description).toBe('Turned off here: start the server with AGENT_FAULTS=1');
    expect(entries[1]?.insert).toBe('/fault ');
    expect(paletteEntries({ ...answer, enabled: false }).map((entry) => entry.label)).not.toContain('/scenario basic');
  });

  it('narrows as you type, and closes on plain text, a second line or a whole entry', () => {
    expect(matchingEntries(entries, '/')).toHaveLength(4);
    expect(matchingEntries(entries, '/scenario b').map((entry) => entry.label)).toEqual([
      '/scenario basic',
      '/scenario burst',
    ]);
    expect(matchingEntries(entries, '/SCEN')).toHaveLength(2);
    expect(matchingEntries(entries, 'what is /help')).toEqual([]);
    expect(matchingEntries(entries, '/help\nmore')).toEqual([]);
    expect(matchingEntries(entries, '/scenario basic')).toEqual([]);
  });

  it('refuses an answer that is not the scenarios catalog', () => {
    expect(() => paletteEntries({ scenarios: 'none' })).toThrow();
  });
});
