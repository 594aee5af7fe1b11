import { describe, expect, it } from 'vitest';
import { markdownText } from './markdown-text';

describe('markdownText', () => {
  it('is the text a rendered answer holds: markup gone, content kept', () => {
    expect(markdownText('Hello **world**, see [the docs](https://example.com).')).toBe('Hello world, see the docs.');
    expect(markdownText('| a | b |\n|---|---|\n| 1 | 2 |')).toBe('ab12');
    expect(markdownText('```\nnpm test\n```')).toBe('npm test');
  });
});
