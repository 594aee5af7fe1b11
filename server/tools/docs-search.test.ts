/** Tests for the docs index (in-memory files), loadDocs (a temp dir) and the docs_search tool. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDocsIndex, createDocsSearchTool, type DocFile, loadDocs, tokenize } from './docs-search';

const context = { signal: new AbortController().signal, progress: () => {} };

const files: DocFile[] = [
  {
    path: 'README.md',
    text: [
      'Intro text about the agent harness.',
      '',
      '# Agent event harness',
      'A backend, a chat page and a Playwright harness.',
      '',
      '## Running',
      'Start the server with npm start, then open the chat page.',
    ].join('\n'),
  },
  {
    path: 'docs/tools.md',
    text: [
      '# Tools',
      'Tools are invoked through the dispatcher, which validates arguments.',
      '',
      '## Calculator',
      'The calculator evaluates arithmetic safely without eval.',
      '',
      '### Errors',
      'A division by zero is reported with its position.',
      '',
      '```ts',
      '# not a heading inside code',
      'calculator.execute()',
      '```',
      '',
      '#### Timeouts',
      'Every tool has a timeout; the dispatcher aborts the signal when it expires.',
      '',
      '##### Too deep',
      'Five hashes are body text.',
    ].join('\n'),
  },
  {
    path: 'docs/protocol.md',
    text: [
      '# Protocol',
      'Events flow over a WebSocket: tool_executing, tool_progress and tool_completed.',
      '',
      '## Timeouts and cancellation',
      'A cancelled run aborts every tool.',
    ].join('\n'),
  },
];

describe('tokenize', () => {
  it('lowercases, splits on non-alphanumerics, drops stopwords and 1-char words', () => {
    expect(tokenize('What is the Tool_Progress event? A 2nd x-ray, é café')).toEqual([
      'tool',
      'progress',
      'event',
      '2nd',
      'ray',
      'café',
    ]);
  });
});

describe('createDocsIndex', () => {
  const index = createDocsIndex(files);

  it('splits files into sections at # to #### headings, ignoring code fences', () => {
    // README: preamble + 2 headings; tools: 4 headings (##### is body text); protocol: 2 headings.
    expect(index.size).toBe(9);
    expect(index.search('heading inside code', 10).map((hit) => hit.heading)).toEqual(['Errors']);
    expect(index.search('five hashes')[0]?.heading).toBe('Timeouts');
  });

  it('finds the best section first', () => {
    const [hit] = index.search('how does the calculator evaluate arithmetic?');
    expect(hit).toMatchObject({ path: 'docs/tools.md', heading: 'Calculator' });
    expect(hit?.score).toBeGreaterThan(0);
  });

  it('weighs heading matches above body matches', () => {
    const weighted = createDocsIndex([
      { path: 'a.md', text: '# Alpha\nsomething about beta' },
      { path: 'b.md', text: '# Beta\nsomething about alpha' },
    ]);
    expect(weighted.search('beta', 10).map((hit) => hit.heading)).toEqual(['Beta', 'Alpha']);
    expect(weighted.search('alpha', 10).map((hit) => hit.heading)).toEqual(['Alpha', 'Beta']);
  });

  it('keeps text before the first heading as a section with an empty heading', () => {
    expect(index.search('intro')).toEqual([
      { path: 'README.md', heading: '', snippet: 'Intro text about the agent harness.', score: expect.any(Number) },
    ]);
  });

  it('orders by score, then path, then heading, and respects the limit', () => {
    const hits = index.search('timeouts', 10);
    for (let i = 1; i < hits.length; i++) {
      const [a, b] = [hits[i - 1], hits[i]];
      if (!a || !b) throw new Error('missing hit');
      expect(a.score > b.score || (a.score === b.score && `${a.path}\0${a.heading}` <= `${b.path}\0${b.heading}`)).toBe(
        true,
      );
    }
    expect(index.search('timeouts', 1)).toHaveLength(1);
    expect(index.search('tool')).toHaveLength(3);
  });

  it('breaks score ties by path then heading', () => {
    const twin = createDocsIndex([
      { path: 'b.md', text: '# Same\nword' },
      { path: 'a.md', text: '# Zed\nword\n# Same\nword' },
    ]);
    expect(twin.search('word', 10).map((hit) => `${hit.path}#${hit.heading}`)).toEqual([
      'a.md#Same',
      'a.md#Zed',
      'b.md#Same',
    ]);
  });

  it('is deterministic', () => {
    expect(createDocsIndex(files).search('tool timeout', 10)).toEqual(index.search('tool timeout', 10));
  });

  it('returns nothing for no matches, stopword-only queries or an empty index', () => {
    expect(index.search('kubernetes')).toEqual([]);
    expect(index.search('the of and')).toEqual([]);
    expect(index.search('   ')).toEqual([]);
    expect(createDocsIndex([]).search('anything')).toEqual([]);
  });

  it('builds a ~200 char snippet around the first match with whitespace collapsed', () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(20);
    const long = createDocsIndex([
      { path: 'long.md', text: `# Long\n${filler}\n\n   needle   in\n\tthe haystack ${filler}` },
    ]);
    const [hit] = long.search('needle');
    expect(hit?.snippet).toContain('needle in the haystack');
    expect(hit?.snippet).not.toMatch(/\s{2}|\n|\t/);
    expect(hit?.snippet.startsWith('…')).toBe(true);
    expect(hit?.snippet.endsWith('…')).toBe(true);
    expect(hit?.snippet.length).toBeLessThanOrEqual(202);
    expect(hit?.snippet.length).toBeGreaterThan(150);
  });

  it('starts the snippet at the top of the body when only the heading matches', () => {
    const hit = createDocsIndex([{ path: 'x.md', text: `# Needle\n${'word '.repeat(100)}` }]).search('needle')[0];
    expect(hit?.snippet.startsWith('word word')).toBe(true);
    expect(hit?.snippet.endsWith('…')).toBe(true);
  });

  it('strips links and code markers from snippets', () => {
    const hit = createDocsIndex([
      { path: 'x.md', text: '# Links\nSee [the guide](https://example.com) and `npm test`.' },
    ])
      .search('guide')
      .at(0);
    expect(hit?.snippet).toBe('See the guide and npm test.');
  });
});

describe('loadDocs', () => {
  it('reads README.md and every .md under docs/, with relative paths', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'docs-search-'));
    try {
      await mkdir(path.join(root, 'docs', 'nested'), { recursive: true });
      await writeFile(path.join(root, 'README.md'), '# Readme');
      await writeFile(path.join(root, 'docs', 'b.md'), '# B');
      await writeFile(path.join(root, 'docs', 'a.md'), '# A');
      await writeFile(path.join(root, 'docs', 'nested', 'c.md'), '# C');
      await writeFile(path.join(root, 'docs', 'schema.json'), '{}');
      await writeFile(path.join(root, 'other.md'), '# Not docs');

      expect(await loadDocs(root)).toEqual([
        { path: 'README.md', text: '# Readme' },
        { path: 'docs/a.md', text: '# A' },
        { path: 'docs/b.md', text: '# B' },
        { path: 'docs/nested/c.md', text: '# C' },
      ]);

      await rm(path.join(root, 'README.md'));
      expect((await loadDocs(root)).map((doc) => doc.path)).toEqual(['docs/a.md', 'docs/b.md', 'docs/nested/c.md']);

      await rm(path.join(root, 'docs'), { recursive: true });
      expect(await loadDocs(root)).toEqual([]);
      expect(await loadDocs(path.join(root, 'missing'))).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('createDocsSearchTool', () => {
  const tool = createDocsSearchTool(createDocsIndex(files));

  it('is named docs_search and validates its args', () => {
    expect(tool.name).toBe('docs_search');
    expect(tool.args.safeParse({ query: 'tools' }).success).toBe(true);
    expect(tool.args.safeParse({ query: 'tools', limit: 10 }).success).toBe(true);
    expect(tool.args.safeParse({ query: '' }).success).toBe(false);
    expect(tool.args.safeParse({ query: 'x'.repeat(501) }).success).toBe(false);
    expect(tool.args.safeParse({ query: 'tools', limit: 0 }).success).toBe(false);
    expect(tool.args.safeParse({ query: 'tools', limit: 11 }).success).toBe(false);
    expect(tool.args.safeParse({ query: 'tools', limit: 1.5 }).success).toBe(false);
  });

  it('returns the query and up to limit hits (3 by default)', async () => {
    const result = await tool.execute({ query: 'tool' }, context);
    expect(result.query).toBe('tool');
    expect(result.hits).toHaveLength(3);
    expect((await tool.execute({ query: 'tool', limit: 1 }, context)).hits).toHaveLength(1);
  });
});
