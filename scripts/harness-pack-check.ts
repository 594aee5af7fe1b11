/**
 * `npm run test:pack`: the harness as an outside team gets it. Packs
 * @agent-event-harness/playwright (its prepack builds it), installs the
 * tarball and @playwright/test into a scratch project outside the repository,
 * compiles scripts/harness-pack-consumer.ts there under NodeNext resolution
 * (the shipped types must resolve, and not as `any`), copies the AI SDK
 * example's specs there unchanged, and runs them against the example app
 * (started from examples/ai-sdk-chat with its LLM mock). The scratch project is removed when the run passes and kept, with
 * its path printed, when it fails.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const example = path.join(root, 'examples', 'ai-sdk-chat');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    process.stdout.write(chunk);
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code, signal) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`)),
    ),
  );
}

/** How a strict outside project on Node's own module resolution compiles its tests. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: ['node'],
  },
  files: ['consumer.ts'],
};

/** The scratch project's config: it knows the app only by the command that starts it. */
function scratchConfig(): string {
  return `import { chromiumLaunchOptions } from '@agent-event-harness/playwright';
import { defineConfig, devices } from '@playwright/test';

const example = ${JSON.stringify(example)};
const port = process.env.PACK_CHECK_PORT;
const mockPort = process.env.PACK_CHECK_MOCK_PORT;

export default defineConfig({
  testDir: 'tests',
  retries: 0,
  workers: 2,
  reporter: 'list',
  expect: { timeout: 10_000 },
  use: { baseURL: \`http://127.0.0.1:\${port}\`, launchOptions: chromiumLaunchOptions() },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: [
    { command: \`npm run mock -- -p \${mockPort}\`, cwd: example, url: \`http://127.0.0.1:\${mockPort}/health\`, timeout: 30_000 },
    {
      command: 'npm run build && npm run serve',
      cwd: example,
      url: \`http://127.0.0.1:\${port}/healthz\`,
      timeout: 120_000,
      env: { PORT: String(port), HOST: '127.0.0.1', LLM_BASE_URL: \`http://127.0.0.1:\${mockPort}/v1\`, LLM_API_KEY: 'mock', LLM_MODEL: 'mock-model' },
    },
  ],
});
`;
}

async function freePort(): Promise<string> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(String(typeof address === 'object' && address ? address.port : 0)));
    });
  });
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'harness-pack-check-'));
  try {
    const packed = await run(
      npm,
      ['pack', '-w', '@agent-event-harness/playwright', '--pack-destination', scratch, '--json'],
      root,
    );
    const tarball = (JSON.parse(packed) as { filename: string }[])[0]?.filename;
    if (!tarball) throw new Error('npm pack named no tarball');
    const version = (name: string) =>
      `${name}@${JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version}`;
    writeFileSync(
      path.join(scratch, 'package.json'),
      JSON.stringify({ name: 'harness-pack-check', private: true, type: 'module' }, null, 2),
    );
    await run(
      npm,
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        `./${tarball}`,
        version('@playwright/test'),
        version('typescript'),
        version('@types/node'),
      ],
      scratch,
    );
    cpSync(path.join(root, 'scripts', 'harness-pack-consumer.ts'), path.join(scratch, 'consumer.ts'));
    writeFileSync(path.join(scratch, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
    await run(path.join(scratch, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], scratch);
    cpSync(path.join(example, 'tests'), path.join(scratch, 'tests'), { recursive: true });
    writeFileSync(path.join(scratch, 'playwright.config.ts'), scratchConfig());
    const env = { ...process.env, PACK_CHECK_PORT: await freePort(), PACK_CHECK_MOCK_PORT: await freePort() };
    await run(path.join(scratch, 'node_modules/.bin/playwright'), ['test'], scratch, env);
    rmSync(scratch, { recursive: true, force: true });
    console.log(`pack check passed: ${tarball} installed outside the repository, the example's specs ran against it`);
  } catch (error) {
    console.error(`pack check failed (the scratch project is kept in ${scratch}): ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

await main();
