/**
 * `npm start`: the app with the LLM mock, no key or network needed. Starts
 * aimock (scripted by mock-fixtures.json) on MOCK_PORT, or a port the OS
 * picks, then the server on PORT (default 3300) pointed at it. Ctrl-C stops
 * both. Try "hello", "what is 6 * 7?", "look up the ai sdk", "think first".
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const mockCli = path.join(path.dirname(createRequire(import.meta.url).resolve('@copilotkit/aimock')), 'cli.js');
const children: ChildProcess[] = [];

function stopAll(code: number): never {
  for (const child of children) child.kill('SIGTERM');
  process.exit(code);
}

/** Starts the mock and resolves with its origin, read from its "listening" line. */
function startMock(): Promise<string> {
  const args = [
    mockCli,
    '-p',
    process.env.MOCK_PORT ?? '0',
    '-h',
    '127.0.0.1',
    '-f',
    path.join(root, 'mock-fixtures.json'),
  ];
  const mock = spawn(process.execPath, [...args, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(mock);
  return new Promise((resolve, reject) => {
    mock.once('exit', (code) => reject(new Error(`the LLM mock exited (${code}) before it listened`)));
    mock.stdout?.setEncoding('utf8').on('data', (text: string) => {
      const origin = /listening on (http:\/\/\S+)/.exec(text)?.[1];
      if (origin) resolve(origin);
    });
  });
}

const origin = await startMock();
console.log(`LLM mock on ${origin}`);
const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/main.ts')], {
  stdio: 'inherit',
  env: { ...process.env, LLM_BASE_URL: `${origin}/v1`, LLM_API_KEY: 'mock' },
});
children.push(server);
server.once('exit', (code) => stopAll(code ?? 1));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopAll(0));
