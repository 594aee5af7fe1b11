/**
 * Makes sure Redis is there for the multi-node tests: Debian's `redis-server`
 * via apt when it is missing (as root), and a server answering on
 * 127.0.0.1:6379 (started, keeping nothing on disk, when none answers). The
 * tests start Redis servers of their own from the binary. Never fails: the
 * embedded default needs no Redis, and without one the Redis tests say why.
 */
import { spawnSync } from 'node:child_process';
import { redisUnavailable } from '../server/testing/redis-server';
import { hasCommand, runCommand } from './run-command';

const run = (command: string, args: string[]) => runCommand('ensure-redis', command, args);

if (!hasCommand('redis-server') && process.getuid?.() === 0 && hasCommand('apt-get')) {
  if (run('apt-get', ['update', '-qq'])) run('apt-get', ['install', '-y', '-qq', 'redis-server']);
}
if (
  hasCommand('redis-server') &&
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG'
) {
  run('redis-server', [
    '--daemonize',
    'yes',
    '--port',
    '6379',
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
}
const why = await redisUnavailable();
if (why) console.warn(`ensure-redis: the Redis tests cannot run here: ${why}`);
else console.log('ensure-redis: redis-server is available');
