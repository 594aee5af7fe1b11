import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { checkTestSwitches, isLoopback } from './test-switches';

describe('isLoopback', () => {
  it('tells loopback hosts from ones the network can reach', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'].map(isLoopback)).toEqual(
      Array(6).fill(true),
    );
    expect(['0.0.0.0', '::', '192.168.1.5', 'example.com', '128.0.0.1'].map(isLoopback)).toEqual(Array(5).fill(false));
  });
});

describe('checkTestSwitches', () => {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });

  it('refuses switches beyond loopback, says how to force them, and warns loudly when forced', () => {
    expect(() => checkTestSwitches('127.0.0.1', { scenarios: true, faults: true }, logger)).not.toThrow();
    expect(() => checkTestSwitches('0.0.0.0', {}, logger)).not.toThrow();
    expect(() => checkTestSwitches('0.0.0.0', { scenarios: true }, logger)).toThrow(
      /AGENT_SCENARIOS is a test switch: .* not on 0\.0\.0\.0\. .*ALLOW_TEST_SWITCHES_ON_NETWORK=1/,
    );
    expect(lines).toEqual([]);
    checkTestSwitches('0.0.0.0', { faults: true, allowOnNetwork: true }, logger);
    expect(lines.join('')).toMatch(/!!! AGENT_FAULTS is a test switch and ALLOW_TEST_SWITCHES_ON_NETWORK=1 forces/);
  });
});
