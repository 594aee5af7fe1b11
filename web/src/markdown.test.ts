import { describe, expect, it } from 'vitest';
import { markdownBlocks, parseMarkdown, plainTail } from './markdown';
import { wordBoundaryFrom } from './markdown-view';

describe('markdownBlocks', () => {
  it('splits at a blank line before text at the margin, so finished blocks are built once', () => {
    expect(markdownBlocks('one\ntwo\n\nthree')).toEqual(['one\ntwo\n\n', 'three']);
    expect(markdownBlocks('just one')).toEqual(['just one']);
    expect(markdownBlocks('')).toEqual([]);
    // Streaming: a blank line with nothing after it yet is not a split.
    expect(markdownBlocks('one\n\n')).toEqual(['one\n\n']);
  });

  it('never splits inside a code fence, closed or still streaming, or at a fence line with an info string', () => {
    const fenced = '```ts\nconst a = 1;\n\nconst b = 2;\n```\n\nafter';
    expect(markdownBlocks(fenced)).toEqual(['```ts\nconst a = 1;\n\nconst b = 2;\n```\n\n', 'after']);
    expect(markdownBlocks('~~~\nopen\n\nstill code')).toEqual(['~~~\nopen\n\nstill code']);
    expect(markdownBlocks('```\na\n```js\n\nb')).toEqual(['```\na\n```js\n\nb']);
  });

  it('keeps together what one parse reads as one block: indented code, list items and their continuations', () => {
    expect(markdownBlocks('    a\n\n    b')).toEqual(['    a\n\n    b']);
    expect(markdownBlocks('- a\n\n  more')).toEqual(['- a\n\n  more']);
    expect(markdownBlocks('- a\n\n- b')).toEqual(['- a\n\n- b']);
    expect(markdownBlocks('1. a\n\n2. b\n\ndone')).toEqual(['1. a\n\n2. b\n\n', 'done']);
  });

  it('does not split text with a link reference definition, which may serve any block', () => {
    const text = 'see [docs][1]\n\n[1]: https://example.com';
    expect(markdownBlocks(text)).toEqual([text]);
  });
});

describe('parseMarkdown', () => {
  it('reads GFM tables and keeps raw HTML as an html node, never as markup', () => {
    const root = parseMarkdown('| a | b |\n|---|---|\n| 1 | 2 |\n\n<img src=x onerror=alert(1)>');
    expect(root.children.map((node) => node.type)).toEqual(['table', 'html']);
  });
});

describe('plainTail', () => {
  it('lets plain words through, which a parse would draw the same', () => {
    expect(plainTail('token 1 ', 'token 1 token 2 ')).toBe('token 2 ');
    expect(plainTail('The answer is', 'The answer is 42, roughly.')).toBe(' 42, roughly.');
  });

  it('leaves to a parse what only a parse draws right', () => {
    expect(plainTail('Items:\n ', 'Items:\n - a')).toBeUndefined(); // a list after a line break
    expect(plainTail('Hello\n', 'Hello\nw')).toBeUndefined();
    expect(plainTail('see http://', 'see http://example.com')).toBeUndefined(); // an autolink
    expect(plainTail('mail foo@bar', 'mail foo@bar.com')).toBeUndefined();
    expect(plainTail('go www', 'go www.example.com')).toBeUndefined();
    expect(plainTail('v1\\', 'v1\\.0')).toBeUndefined(); // an escape
    expect(plainTail('&n', '&nbsp;')).toBeUndefined(); // an entity
    expect(plainTail('a', 'a *b*')).toBeUndefined(); // markup
    expect(plainTail('abc', 'xyz')).toBeUndefined(); // not an append
  });
});

describe('wordBoundaryFrom', () => {
  it('finds where the next word starts, at or after an index, so a chunk never starts with a space', () => {
    expect(wordBoundaryFrom('x', 'token 1 token 2 ', 0)).toBe(6);
    expect(wordBoundaryFrom('x', 'token 1 token 2 ', 7)).toBe(8);
    expect(wordBoundaryFrom(' ', 'token 1 ', 0)).toBe(0); // the text before ended a word
    expect(wordBoundaryFrom(' ', 'token 1 ', -50)).toBe(0);
    expect(wordBoundaryFrom('x', '  two spaces', 0)).toBe(2);
  });

  it('finds none in a word that runs to the end, or in trailing white space', () => {
    expect(wordBoundaryFrom('x', 'averyveryverylongword', 0)).toBeUndefined();
    expect(wordBoundaryFrom('x', 'token 1 ', 7)).toBeUndefined();
    expect(wordBoundaryFrom(' ', '', 0)).toBeUndefined();
  });
});
