/**
 * The test switches (AGENT_SCENARIOS, AGENT_FAULTS) let any signed-in user ask
 * for huge bursts, hung tools and broken streams, and expose test-only routes.
 * They are for a developer's machine and CI: a server with them on refuses to
 * listen beyond loopback unless forced, and says loudly when it is forced.
 */
import { isIP } from 'node:net';
import type { Logger } from 'pino';

export interface TestSwitches {
  scenarios?: boolean;
  faults?: boolean;
  /** Listen beyond loopback with switches on anyway (ALLOW_TEST_SWITCHES_ON_NETWORK=1). @default false */
  allowOnNetwork?: boolean;
}

/** Whether `host` only takes connections from this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare.startsWith('::ffff:127.');
}

/** Throws when switches are on and `host` is reachable from the network, unless forced; warns when forced. */
export function checkTestSwitches(host: string, switches: TestSwitches, logger: Logger): void {
  const on = [switches.scenarios && 'AGENT_SCENARIOS', switches.faults && 'AGENT_FAULTS'].filter(Boolean);
  if (on.length === 0 || isLoopback(host)) return;
  const what = `${on.join(' and ')} ${on.length === 1 ? 'is a test switch' : 'are test switches'}`;
  if (!switches.allowOnNetwork) {
    throw new Error(
      `${what}: any user could stall or break this server with it, so it listens only on loopback ` +
        `(HOST=127.0.0.1), not on ${host}. Turn it off, or set ALLOW_TEST_SWITCHES_ON_NETWORK=1 to force it.`,
    );
  }
  logger.warn(
    { host, switches: on },
    `!!! ${what} and ALLOW_TEST_SWITCHES_ON_NETWORK=1 forces them on ${host}: anyone who can reach this ` +
      'server can stall or break it. Never do this in production. !!!',
  );
}
