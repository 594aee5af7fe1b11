/**
 * The text a markdown answer shows once rendered: what the page's answer
 * element holds when it draws the deltas as markdown (GFM), to compare with.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString as mdastToString } from 'mdast-util-to-string';
import { gfm } from 'micromark-extension-gfm';

export function markdownText(markdown: string): string {
  return mdastToString(fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }));
}
