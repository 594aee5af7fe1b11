/**
 * Runs an install command for the ensure-* scripts: echoed with their prefix,
 * output inherited, apt kept non-interactive, a 15-minute hang guard.
 */
import { spawnSync } from 'node:child_process';

export function runCommand(prefix: string, command: string, args: string[]): boolean {
  console.log(`${prefix}: $ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    timeout: 15 * 60_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}
