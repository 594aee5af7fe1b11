/**
 * The answer's view: keeps an element showing a growing markdown text. Only
 * the last block is parsed again as it grows, and plain words at the end of a
 * paragraph are appended as they are. The browser's work per frame stays
 * bounded however long the answer grows: blocks sit in parts of
 * BLOCKS_PER_PART, and a long plain paragraph goes on in chunks of about
 * PARAGRAPH_CHUNK_CHARS, so a frame lays out and paints the last part and
 * chunk, not the whole answer.
 */
import { element } from './dom';
import { DEFINITION, markdownBlocks, plainTail, renderMarkdownBlocks } from './markdown';

/** Blocks per part of an answer: a new block dirties the layout of its part, not of every block before it. */
const BLOCKS_PER_PART = 32;

/**
 * Length past which a streamed paragraph goes on in a new chunk (a block of its own, at a word boundary):
 * one long text node would be laid out whole on every frame. A chunk starts on a new line.
 */
const PARAGRAPH_CHUNK_CHARS = 2_000;

/**
 * Keeps an element showing a growing markdown text: finished blocks are built
 * once and kept; the last block is rebuilt as it grows, except when the new
 * text is plain words at the end of a paragraph, which are appended as they are.
 */
export class MarkdownView {
  #blocks: { text: string; nodes: Node[] }[] = [];
  #parts: HTMLElement[] = [];
  #text = '';
  /** White space at the end of the source that the parse dropped and the DOM lacks. */
  #dropped = '';

  constructor(readonly element: HTMLElement) {}

  show(text: string): void {
    if (this.#appendPlain(text)) return;
    // A growing text keeps its finished blocks: only what follows them is split and compared again, so a
    // long answer costs each frame its last block, not its whole length.
    const keep = this.#finishedBlocksKept(text);
    const offset = keep.reduce((length, block) => length + block.text.length, 0);
    const blocks = markdownBlocks(text.slice(offset));
    const rest = this.#blocks.slice(keep.length);
    let same = 0;
    while (same < blocks.length && same < rest.length && rest[same]?.text === blocks[same]) same++;
    for (const stale of rest.slice(same)) for (const node of stale.nodes) node.parentNode?.removeChild(node);
    this.#blocks = [...keep, ...rest.slice(0, same)];
    while (this.#parts.length > Math.ceil(this.#blocks.length / BLOCKS_PER_PART)) this.#parts.pop()?.remove();
    const fresh = blocks.slice(same);
    renderMarkdownBlocks(fresh).forEach((nodes, i) => {
      for (const node of nodes) if (node instanceof HTMLParagraphElement) chunkLongParagraph(node);
      this.#partFor(this.#blocks.length).append(...nodes);
      this.#blocks.push({ text: fresh[i] as string, nodes });
    });
    this.#text = text;
    this.#dropped = /[ \t]*$/.exec(text.slice(-256))?.[0] ?? '';
  }

  /** The part that holds block `index`, created when it is the first of its part. */
  #partFor(index: number): HTMLElement {
    const at = Math.floor(index / BLOCKS_PER_PART);
    let part = this.#parts[at];
    if (!part) {
      part = element('div', { className: 'answer-part' });
      this.element.append(part);
      this.#parts.push(part);
    }
    return part;
  }

  /** The blocks before the last, when `text` only appends to what is shown and adds no reference definition. */
  #finishedBlocksKept(text: string): { text: string; nodes: Node[] }[] {
    if (!text.startsWith(this.#text) || this.#blocks.length < 2) return [];
    const kept = this.#blocks.slice(0, -1);
    const keptLength = kept.reduce((length, block) => length + block.text.length, 0);
    return DEFINITION.test(text.slice(keptLength)) ? [] : kept;
  }

  /** The fast path of streaming: plain words after a paragraph's text, where a parse would add the same. */
  #appendPlain(text: string): boolean {
    const tail = plainTail(this.#text, text);
    const last = this.#blocks.at(-1);
    const paragraph = last?.nodes.at(-1);
    if (tail === undefined || last === undefined || !(paragraph instanceof HTMLParagraphElement)) return false;
    const chunk = paragraph.lastChild;
    const textNode = chunk instanceof HTMLElement && chunk.className === 'paragraph-chunk' ? chunk.lastChild : chunk;
    if (!(textNode instanceof Text)) return false;
    appendChunked(paragraph, textNode, this.#dropped + tail);
    this.#dropped = '';
    last.text += tail;
    this.#text = text;
    return true;
  }
}

/**
 * Appends `added` to a paragraph's last text node, going on in new chunks (spans drawn as blocks) whenever
 * the text passes PARAGRAPH_CHUNK_CHARS, each cut at the first word boundary past it: white space stays at
 * the end of the chunk before, so no line starts with a space.
 */
function appendChunked(paragraph: HTMLParagraphElement, textNode: Text, added: string): void {
  let node = textNode;
  let rest = added;
  for (;;) {
    const cut = wordBoundaryFrom(node.data.slice(-1), rest, PARAGRAPH_CHUNK_CHARS - node.length);
    if (cut === undefined) {
      node.appendData(rest);
      return;
    }
    node.appendData(rest.slice(0, cut));
    rest = rest.slice(cut);
    node = document.createTextNode('');
    paragraph.append(element('span', { className: 'paragraph-chunk' }, node));
  }
}

/**
 * The first index of `text`, at `from` or after, where a word starts (`before` is the character before
 * `text`), or undefined when there is none before the end.
 */
export function wordBoundaryFrom(before: string, text: string, from: number): number | undefined {
  const start = Math.max(0, from);
  if (start === 0 && /\s/.test(before) && /^\S/.test(text)) return 0;
  const boundary = /\s(?=\S)/g;
  boundary.lastIndex = Math.max(0, start - 1);
  const found = boundary.exec(text);
  return found ? found.index + 1 : undefined;
}

/** A paragraph the parse built as one long text node, cut into chunks as streaming would have. */
function chunkLongParagraph(paragraph: HTMLParagraphElement): void {
  const only = paragraph.firstChild;
  if (!(only instanceof Text) || paragraph.childNodes.length !== 1 || only.length <= PARAGRAPH_CHUNK_CHARS) return;
  const text = only.data;
  only.data = '';
  appendChunked(paragraph, only, text);
}
