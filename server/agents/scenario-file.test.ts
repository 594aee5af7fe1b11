import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIOS_DIR } from '../config';
import { bindScenario, loadScenarios, parseScenario } from './scenario-file';

const burst = parseScenario('burst', {
  description: 'many deltas',
  params: { count: { default: 10, min: 1, max: 100 } },
  steps: [{ think: 'Streaming {count}' }, { burst: '$count' }],
});

describe('parseScenario', () => {
  it('rejects an undeclared $param and an unknown step', () => {
    expect(() => parseScenario('x', { description: 'd', steps: [{ pause: '$nope' }] })).toThrow(
      'scenario "x": "$nope" is not a declared param',
    );
    expect(() => parseScenario('x', { description: 'd', steps: [{ dance: true }] })).toThrow(/^scenario "x": /);
  });

  it('rejects a default outside min..max', () => {
    const params = { n: { default: 5, min: 10, max: 20 } };
    expect(() => parseScenario('x', { description: 'd', params, steps: [{ pause: '$n' }] })).toThrow(
      /default must lie within min\.\.max/,
    );
  });
});

describe('bindScenario', () => {
  it('fills in defaults, positional and named arguments', () => {
    expect(bindScenario(burst, [])).toEqual([{ think: 'Streaming 10' }, { burst: 10 }]);
    expect(bindScenario(burst, ['42'])).toEqual([{ think: 'Streaming 42' }, { burst: 42 }]);
    expect(bindScenario(burst, ['count=7'])).toEqual([{ think: 'Streaming 7' }, { burst: 7 }]);
  });

  it('explains out-of-range, non-integer, unknown and surplus arguments', () => {
    expect(() => bindScenario(burst, ['1000'])).toThrow('count must be an integer from 1 to 100, got "1000"');
    expect(() => bindScenario(burst, ['2.5'])).toThrow('count must be an integer from 1 to 100, got "2.5"');
    expect(() => bindScenario(burst, ['size=3'])).toThrow('scenario "burst" has no param "size"');
    expect(() => bindScenario(burst, ['1', '2'])).toThrow('scenario "burst" takes 1 argument(s)');
  });
});

describe('loadScenarios', () => {
  it('loads every shipped scenario file', async () => {
    const scenarios = await loadScenarios(DEFAULT_SCENARIOS_DIR);
    expect([...scenarios.keys()]).toEqual(
      expect.arrayContaining(['basic', 'slow-tool', 'tool-error', 'parallel-tools', 'long-thinking', 'burst']),
    );
    for (const scenario of scenarios.values()) expect(() => bindScenario(scenario, [])).not.toThrow();
  });

  it('fails clearly for a missing folder', async () => {
    await expect(loadScenarios(path.join(DEFAULT_SCENARIOS_DIR, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
