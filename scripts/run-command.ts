/**
 * Runs an install command for the ensure-* scripts (and the workflow lint's
 * shellcheck): echoed with their prefix, output inherited, apt kept
 * non-interactive, a 15-minute hang guard; and tells whether a command is on PATH.
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

/** Whether `command` is on PATH (through sh, so it answers as the install commands will see it). */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
