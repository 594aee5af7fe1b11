/** A server for integration tests: any free port, silent, scenarios on, no pacing, journal in memory. */
import { type RunningServer, startServer } from '../app';
import type { ServerOptions } from '../config';

export function startTestServer(overrides: ServerOptions = {}): Promise<RunningServer> {
  return startServer({
    port: 0,
    logLevel: 'silent',
    scenarios: true,
    agentPaceMs: 0,
    journalPath: ':memory:',
    staticDir: '/nonexistent',
    // Tests and benchmarks sign in many users from one address, and the scale bench runs 1,000 at once.
    sessionsPerMinute: 1_000_000,
    maxActiveRuns: 100_000,
    maxSocketsPerAddress: 100_000,
    ...overrides,
  });
}
