import { describe, expect, it } from 'vitest';
import { markdownBlocks, parseMarkdown } from './markdown';

describe('markdownBlocks', () => {
  it('splits at blank lines, so finished blocks are built once while the last one grows', () => {
    expect(markdownBlocks('one\ntwo\n\nthree')).toEqual(['one\ntwo\n', 'three']);
    expect(markdownBlocks('just one')).toEqual(['just one']);
    expect(markdownBlocks('')).toEqual([]);
  });

  it('never splits inside a code fence, closed or still streaming', () => {
    const fenced = '```ts\nconst a = 1;\n\nconst b = 2;\n```\n\nafter';
    expect(markdownBlocks(fenced)).toEqual(['```ts\nconst a = 1;\n\nconst b = 2;\n```\n', 'after']);
    expect(markdownBlocks('~~~\nopen\n\nstill code')).toEqual(['~~~\nopen\n\nstill code']);
  });
});

describe('parseMarkdown', () => {
  it('reads GFM tables and keeps raw HTML as an html node, never as markup', () => {
    const root = parseMarkdown('| a | b |\n|---|---|\n| 1 | 2 |\n\n<img src=x onerror=alert(1)>');
    expect(root.children.map((node) => node.type)).toEqual(['table', 'html']);
  });
});
