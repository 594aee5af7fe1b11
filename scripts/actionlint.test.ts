/**
 * The workflow lint (scripts/actionlint.ts) run for real, actionlint's wasm
 * build and shellcheck, on small workflows: the valid shapes the homemade lint
 * it replaced rejected pass, and two broken ones it accepted fail, named.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from './script-process';

const workflow = (name: string, jobs: string) => `name: ${name}\non: push\njobs:\n${jobs}`;

const VALID = {
  'self-hosted-runner.yml': workflow(
    'self-hosted',
    `  build:
    runs-on: [self-hosted, linux]
    steps:
      - uses: actions/checkout@v4
      - run: echo "built on $RUNNER_NAME"
`,
  ),
  'local-action.yml': workflow(
    'local action',
    `  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/x
`,
  ),
  'reusable-workflow-call.yml': workflow(
    'reusable',
    `  call:
    uses: ./.github/workflows/y.yml
`,
  ),
};

const BROKEN = {
  'expression-typo.yml': {
    source: workflow(
      'typo',
      `  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.evnt.name }}"
`,
    ),
    problem: /expression-typo\.yml:7:\d+: property "evnt" is not defined in object type .* \[expression\]/,
  },
  'unterminated-quote.yml': {
    source: workflow(
      'quote',
      `  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "unterminated
`,
    ),
    problem:
      /unterminated-quote\.yml:7:9: shellcheck reported issue in this script: SC\d+:error:\d+:\d+: .*double quoted string.* \[shellcheck\]/,
  },
};

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'actionlint-'));
  const sources = {
    ...VALID,
    ...Object.fromEntries(Object.entries(BROKEN).map(([name, { source }]) => [name, source])),
  };
  await Promise.all(Object.entries(sources).map(([name, source]) => writeFile(path.join(dir, name), source)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lint = (...files: string[]) => runScript('scripts/actionlint.ts', files);

describe('npm run lint: actionlint over workflows', () => {
  it('passes a self-hosted runner list, a local action and a reusable-workflow job', async () => {
    const { code, output } = await lint(...Object.keys(VALID).map((name) => path.join(dir, name)));
    expect(output).toContain('3 of 3 workflow file(s) clean');
    expect(code, output).toBe(0);
  });

  it.each(Object.entries(BROKEN))('fails %s, naming the problem', async (name, { problem }) => {
    const { code, output } = await lint(path.join(dir, name));
    expect(output).toMatch(problem);
    expect(output).toContain('0 of 1 workflow file(s) clean');
    expect(code, output).toBe(1);
  });
});
