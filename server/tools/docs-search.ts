/**
 * Docs search tool: a small in-memory BM25 index over the project's own
 * Markdown (README.md and docs/), split into sections by heading.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool } from './tool';

export interface DocFile {
  /** Relative to the docs root, with forward slashes, e.g. `docs/protocol.md`. */
  path: string;
  text: string;
}

interface DocHit {
  path: string;
  /** The section's heading; empty for text before a file's first heading. */
  heading: string;
  snippet: string;
  score: number;
}

export interface DocsIndex {
  /** Number of indexed sections. */
  readonly size: number;
  search(query: string, limit?: number): DocHit[];
}

const STOPWORDS = new Set(
  (
    'a an and are as at be but by can do does for from how i if in into is it its of on or so that the their then ' +
    'there these this to was were what when where which who why will with you your'
  ).split(' '),
);
const WORD_RE = /[\p{L}\p{N}]+/gu;
const HEADING_RE = /^(#{1,4})\s+(.*?)(?:\s+#+)?\s*$/;
const FENCE_RE = /^\s*(```|~~~)/;
/** A heading term counts this many times a body term. */
const HEADING_WEIGHT = 3;
const K1 = 1.2;
const B = 0.75;
const SNIPPET_LENGTH = 200;
const SNIPPET_LEAD = 60;

/** Lowercases, keeps letter/digit words of 2+ chars, drops stopwords. */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  for (const [word] of text.toLowerCase().matchAll(WORD_RE)) {
    if (word.length >= 2 && !STOPWORDS.has(word)) words.push(word);
  }
  return words;
}

interface Section {
  path: string;
  heading: string;
  /** Body with light Markdown noise removed and whitespace collapsed. */
  body: string;
  terms: Map<string, number>;
  length: number;
}

function plain(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function splitSections(file: DocFile): { heading: string; body: string }[] {
  const sections: { heading: string; lines: string[] }[] = [{ heading: '', lines: [] }];
  let fence: string | undefined;
  for (const line of file.text.split(/\r?\n/)) {
    const fenceMatch = FENCE_RE.exec(line);
    if (fenceMatch) {
      // A closing fence must use the same marker; `#` lines inside code are not headings.
      if (!fence) fence = fenceMatch[1];
      else if (fence === fenceMatch[1]) fence = undefined;
      continue;
    }
    const heading = fence ? null : HEADING_RE.exec(line);
    if (heading) sections.push({ heading: plain(heading[2] ?? ''), lines: [] });
    else sections.at(-1)?.lines.push(line);
  }
  return sections
    .map(({ heading, lines }) => ({ heading, body: plain(lines.join('\n')) }))
    .filter(({ heading, body }) => heading || body);
}

function buildSection(filePath: string, heading: string, body: string): Section {
  const terms = new Map<string, number>();
  const add = (words: string[], weight: number) => {
    for (const word of words) terms.set(word, (terms.get(word) ?? 0) + weight);
  };
  const headingWords = tokenize(heading);
  const bodyWords = tokenize(body);
  add(headingWords, HEADING_WEIGHT);
  add(bodyWords, 1);
  return { path: filePath, heading, body, terms, length: headingWords.length * HEADING_WEIGHT + bodyWords.length };
}

/** ~200 chars of the body around the first query term, cut at word boundaries. */
function snippetFor(body: string, terms: Set<string>): string {
  if (body.length <= SNIPPET_LENGTH) return body;
  let first = 0;
  for (const match of body.matchAll(WORD_RE)) {
    if (terms.has(match[0].toLowerCase())) {
      first = match.index;
      break;
    }
  }
  let start = Math.max(0, Math.min(first - SNIPPET_LEAD, body.length - SNIPPET_LENGTH));
  let end = Math.min(body.length, start + SNIPPET_LENGTH);
  if (start > 0) {
    const space = body.indexOf(' ', start);
    if (space !== -1 && space < first) start = space + 1;
  }
  if (end < body.length) {
    const space = body.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  return `${start > 0 ? '…' : ''}${body.slice(start, end)}${end < body.length ? '…' : ''}`;
}

/** Locale-independent, so the order is the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareHits(a: DocHit, b: DocHit): number {
  return b.score - a.score || compareText(a.path, b.path) || compareText(a.heading, b.heading);
}

export function createDocsIndex(files: DocFile[]): DocsIndex {
  const sections = files.flatMap((file) =>
    splitSections(file).map(({ heading, body }) => buildSection(file.path, heading, body)),
  );
  const documentFrequency = new Map<string, number>();
  for (const section of sections) {
    for (const term of section.terms.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const averageLength = sections.reduce((sum, section) => sum + section.length, 0) / Math.max(1, sections.length);
  const idf = (term: string) => {
    const df = documentFrequency.get(term) ?? 0;
    return Math.log(1 + (sections.length - df + 0.5) / (df + 0.5));
  };

  return {
    size: sections.length,
    search(query: string, limit = 3): DocHit[] {
      const terms = new Set(tokenize(query));
      if (terms.size === 0 || limit < 1) return [];
      const hits: DocHit[] = [];
      for (const section of sections) {
        let score = 0;
        for (const term of terms) {
          const tf = section.terms.get(term);
          if (!tf) continue;
          const norm = K1 * (1 - B + (B * section.length) / (averageLength || 1));
          score += (idf(term) * tf * (K1 + 1)) / (tf + norm);
        }
        if (score > 0) {
          hits.push({
            path: section.path,
            heading: section.heading,
            snippet: snippetFor(section.body, terms),
            // Rounded so ties (and thus the ordering) don't depend on float noise.
            score: Math.round(score * 1000) / 1000,
          });
        }
      }
      return hits.sort(compareHits).slice(0, limit);
    },
  };
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function listMarkdown(rootDir: string, relativeDir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(path.join(rootDir, relativeDir), { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  const found: string[] = [];
  for (const entry of entries) {
    const relative = path.posix.join(relativeDir, entry.name);
    if (entry.isDirectory()) found.push(...(await listMarkdown(rootDir, relative)));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) found.push(relative);
  }
  return found;
}

/** Reads `README.md` and every `*.md` under `docs/`; missing files or directories just yield fewer docs. */
export async function loadDocs(rootDir: string): Promise<DocFile[]> {
  const paths = ['README.md', ...(await listMarkdown(rootDir, 'docs')).sort()];
  const docs: DocFile[] = [];
  for (const relative of paths) {
    try {
      docs.push({ path: relative, text: await readFile(path.join(rootDir, relative), 'utf8') });
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
  return docs;
}

export function createDocsSearchTool(index: DocsIndex) {
  return defineTool({
    name: 'docs_search',
    description: "Searches the project's own documentation (README and docs/) and returns the best matching sections.",
    args: z.object({
      query: z.string().min(1).max(500),
      limit: z.number().int().min(1).max(10).optional(),
    }),
    execute: ({ query, limit }) => ({ query, hits: index.search(query, limit ?? 3) }),
  });
}
