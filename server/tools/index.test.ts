/** Tests for the tool sets exported by the tools barrel. */
import { describe, expect, it } from 'vitest';
import { createDefaultTools, createDocsIndex, testTools } from './index';

describe('tool sets', () => {
  it('creates the real tools with unique names', () => {
    const tools = createDefaultTools(createDocsIndex([{ path: 'README.md', text: '# Hello\nworld' }]));
    expect(tools.map((tool) => tool.name)).toEqual(['calculator', 'docs_search', 'clock']);
  });

  it('keeps the test-only tools separate', () => {
    expect(testTools.map((tool) => tool.name)).toEqual(['sleep', 'fail']);
  });

  it('wires the docs index into docs_search', async () => {
    const docsSearch = createDefaultTools(createDocsIndex([{ path: 'README.md', text: '# Hello\nworld' }])).find(
      (tool) => tool.name === 'docs_search',
    );
    const args = docsSearch?.args.parse({ query: 'world' });
    const result = await docsSearch?.execute(args, { signal: new AbortController().signal, progress: () => {} });
    expect(result).toMatchObject({ query: 'world', hits: [{ path: 'README.md', heading: 'Hello' }] });
  });
});
