/**
 * Answers as markdown (CommonMark with GFM tables, strikethrough, task lists
 * and autolinks), safe by construction: mdast-util-from-markdown parses the
 * text to a syntax tree and the DOM is built node by node, text only through
 * text nodes. Raw HTML stays literal text, images show their alt text (no
 * remote loads), and links keep http(s) and mailto targets only. Code blocks
 * get a Copy button.
 *
 * While an answer streams, only its last block changes: finished blocks (split
 * at blank lines outside code fences) are parsed and built once; the view
 * that keeps them is markdown-view.ts.
 */
import type { Nodes, RootContent, TableCell } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

const SAFE_LINK = /^(https?:|mailto:)/i;

export function parseMarkdown(text: string) {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

/** A line that may carry on the block before a blank line: indented (list item, code) or a list item. */
const CONTINUES = /^(\s|[-*+]\s|\d+[.)]\s)/;
/** A link reference definition: it may serve a link in any block, so such text is not split. */
export const DEFINITION = /^ {0,3}\[[^\]]+\]:/m;

/**
 * Splits markdown where a parse of the whole would start a new top-level block
 * anyway: at a blank line outside a code fence, when the next line starts at
 * the margin and is not a list item. Each block then parses on its own.
 */
export function markdownBlocks(text: string): string[] {
  if (text === '') return [];
  if (DEFINITION.test(text)) return [text];
  const lines = text.split('\n');
  const blocks: string[] = [];
  let fence: string | undefined;
  let current: string[] = [];
  lines.forEach((line, i) => {
    current.push(line);
    const marker = /^\s*(`{3,}|~{3,})(.*)$/.exec(line);
    if (marker?.[1]) {
      const [, run = '', info = ''] = marker;
      if (fence === undefined) fence = run;
      else if (run[0] === fence[0] && run.length >= fence.length && info.trim() === '') fence = undefined;
      return;
    }
    const next = lines[i + 1];
    if (fence !== undefined || line.trim() !== '' || next === undefined || next === '' || CONTINUES.test(next)) return;
    if (current.some((kept) => kept.trim() !== '')) blocks.push(`${current.join('\n')}\n`);
    current = [];
  });
  const rest = current.join('\n');
  if (rest !== '') blocks.push(rest);
  return blocks;
}

function create<K extends keyof HTMLElementTagNameMap>(tag: K, children: Node[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.append(...children);
  return node;
}

function codeBlock(value: string, lang: string | null | undefined): HTMLElement {
  const code = create('code', [document.createTextNode(value)]);
  if (lang) code.dataset.lang = lang;
  // The label is CSS content and aria-label, so the block's text stays the code alone.
  const copy = create('button');
  copy.type = 'button';
  copy.className = 'copy-code';
  copy.setAttribute('aria-label', 'Copy code');
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(value).then(() => {
      copy.dataset.copied = 'true';
      copy.setAttribute('aria-label', 'Copied');
    });
  });
  const block = create('div', [copy, create('pre', [code])]);
  block.className = 'code-block';
  return block;
}

function cell(node: TableCell, header: boolean, align: string | null | undefined): HTMLElement {
  const element = create(header ? 'th' : 'td', build(node.children));
  if (align) element.style.textAlign = align;
  return element;
}

function build(nodes: readonly (Nodes | RootContent)[]): Node[] {
  return nodes.flatMap((node): Node[] => {
    switch (node.type) {
      case 'text':
      case 'html':
        return [document.createTextNode(node.value)];
      case 'paragraph':
        return [create('p', build(node.children))];
      case 'heading':
        // h1 and h2 belong to the page; an answer's headings start at h3.
        return [create(`h${Math.min(6, node.depth + 2)}` as 'h3', build(node.children))];
      case 'emphasis':
        return [create('em', build(node.children))];
      case 'strong':
        return [create('strong', build(node.children))];
      case 'delete':
        return [create('del', build(node.children))];
      case 'inlineCode':
        return [create('code', [document.createTextNode(node.value)])];
      case 'code':
        return [codeBlock(node.value, node.lang)];
      case 'blockquote':
        return [create('blockquote', build(node.children))];
      case 'break':
        return [create('br')];
      case 'thematicBreak':
        return [create('hr')];
      case 'list': {
        const list = create(node.ordered ? 'ol' : 'ul', build(node.children));
        if (node.ordered && node.start !== null && node.start !== undefined && node.start !== 1) {
          list.setAttribute('start', String(node.start));
        }
        return [list];
      }
      case 'listItem': {
        const item = create('li', build(node.children));
        if (typeof node.checked === 'boolean') {
          const box = create('input');
          box.type = 'checkbox';
          box.checked = node.checked;
          box.disabled = true;
          item.prepend(box);
        }
        return [item];
      }
      case 'link': {
        if (!SAFE_LINK.test(node.url)) return build(node.children);
        const link = create('a', build(node.children));
        link.href = node.url;
        link.rel = 'noopener noreferrer nofollow';
        link.target = '_blank';
        return [link];
      }
      case 'image':
        return node.alt ? [document.createTextNode(node.alt)] : [];
      case 'table': {
        const [head, ...rows] = node.children;
        const align = node.align ?? [];
        const thead = create(
          'thead',
          head
            ? [
                create(
                  'tr',
                  head.children.map((c, i) => cell(c, true, align[i])),
                ),
              ]
            : [],
        );
        const tbody = create(
          'tbody',
          rows.map((row) =>
            create(
              'tr',
              row.children.map((c, i) => cell(c, false, align[i])),
            ),
          ),
        );
        const table = create('table', [thead, tbody]);
        const scroller = create('div', [table]);
        scroller.className = 'table-scroll';
        return [scroller];
      }
      default:
        // Link references, definitions, footnotes and the like: their text, if any, without markup.
        return 'children' in node ? build(node.children as RootContent[]) : [];
    }
  });
}

/**
 * Blocks of markdown as DOM nodes, one list per block, from one parse of them
 * all (a parse costs more to start than to read a short block): each top-level
 * node goes to the block its source starts in.
 */
export function renderMarkdownBlocks(blocks: readonly string[]): Node[][] {
  if (blocks.length === 0) return [];
  const ends: number[] = [];
  let end = 0;
  for (const block of blocks) {
    end += block.length;
    ends.push(end);
  }
  const groups = blocks.map((): RootContent[] => []);
  for (const node of parseMarkdown(blocks.join('')).children) {
    const start = node.position?.start.offset ?? 0;
    const index = ends.findIndex((blockEnd) => start < blockEnd);
    groups[index === -1 ? groups.length - 1 : index]?.push(node);
  }
  return groups.map((nodes) => build(nodes));
}

/**
 * Text that cannot change how markdown parses when appended within a line of a
 * paragraph: no markup characters, no newline, nothing an autolink starts with.
 */
const PLAIN_TAIL = /^[\p{L}\p{N} ,.;'"?!-]+$/u;

/**
 * What `text` adds to `shown` when appending it as plain text draws what a
 * parse would (given that `shown` ends in a paragraph's text); undefined when
 * only a parse can draw it.
 */
export function plainTail(shown: string, text: string): string | undefined {
  if (!text.startsWith(shown) || text.length === shown.length) return undefined;
  const tail = text.slice(shown.length);
  const end = shown.slice(-256);
  // After a line break, the next characters may start a list, a heading or a quote.
  if (/\n[ \t]*$/.test(end) || !PLAIN_TAIL.test(tail)) return undefined;
  // With the word it continues, the tail could finish an autolink (http://, foo@bar, www.), an entity
  // (&nbsp;) or an escape (\.).
  const word = /\S*$/.exec(end)?.[0] ?? '';
  return /[:@&\\]|www\./i.test(word + tail) ? undefined : tail;
}
