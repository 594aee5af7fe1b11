import { describe, expect, it } from 'vitest';
import type { ToolCallFragment } from './stream-chunk';
import { ToolCallAssembler } from './tool-call-assembler';

function assemble(fragments: ToolCallFragment[]) {
  const assembler = new ToolCallAssembler();
  for (const fragment of fragments) assembler.add(fragment);
  return assembler;
}

/** Splits `text` into pieces of `size` characters. */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

describe('ToolCallAssembler', () => {
  it('joins arguments that arrive in many small pieces', () => {
    const args = '{"expression": "12 * (3 + 4)", "note": "ünïcödé ✓"}';
    const assembler = assemble([
      { index: 0, id: 'call_1', name: 'calculator' },
      ...pieces(args, 1).map((piece) => ({ index: 0, arguments: piece })),
    ]);
    expect(assembler.calls()).toEqual([{ id: 'call_1', name: 'calculator', arguments: args }]);
  });

  it('keeps several parallel calls apart when their pieces interleave', () => {
    const a = pieces('{"ms":600}', 3);
    const b = pieces('{"ms":100}', 2);
    const c = pieces('{"timeZone":"Asia/Tokyo"}', 4);
    const fragments: ToolCallFragment[] = [
      { index: 0, id: 'call_a', name: 'sleep' },
      { index: 1, id: 'call_b', name: 'sleep' },
      { index: 2, id: 'call_c', name: 'clock' },
    ];
    for (let i = 0; i < Math.max(a.length, b.length, c.length); i++) {
      // Out of index order on purpose: 2, 0, 1.
      if (c[i]) fragments.push({ index: 2, arguments: c[i] });
      if (a[i]) fragments.push({ index: 0, arguments: a[i] });
      if (b[i]) fragments.push({ index: 1, arguments: b[i] });
    }
    expect(assemble(fragments).calls()).toEqual([
      { id: 'call_a', name: 'sleep', arguments: '{"ms":600}' },
      { id: 'call_b', name: 'sleep', arguments: '{"ms":100}' },
      { id: 'call_c', name: 'clock', arguments: '{"timeZone":"Asia/Tokyo"}' },
    ]);
  });

  it('takes a call whose id and name come first and its arguments in later chunks', () => {
    const assembler = assemble([{ index: 0, id: 'call_x', name: 'clock' }]);
    expect(assembler.started).toBe(true);
    expect(assembler.calls()).toEqual([{ id: 'call_x', name: 'clock', arguments: '' }]);
    assembler.add({ index: 0, arguments: '{"timeZone":' });
    assembler.add({ index: 0, arguments: '"UTC"}' });
    expect(assembler.calls()).toEqual([{ id: 'call_x', name: 'clock', arguments: '{"timeZone":"UTC"}' }]);
  });

  it('orders calls by index whatever order they started in, and names a call without an id', () => {
    const calls = assemble([
      { index: 1, name: 'clock', arguments: '{}' },
      { index: 0, name: 'calculator', arguments: '{"expression":"1+1"}' },
    ]).calls();
    expect(calls).toEqual([
      { id: 'call_0', name: 'calculator', arguments: '{"expression":"1+1"}' },
      { id: 'call_1', name: 'clock', arguments: '{}' },
    ]);
  });

  it('follows ids, then the last call, when a provider sends no index', () => {
    const calls = assemble([
      { id: 'call_a', name: 'sleep' },
      { arguments: '{"ms":' },
      { id: 'call_b', name: 'clock', arguments: '{}' },
      { id: 'call_a', arguments: '5}' },
    ]).calls();
    expect(calls).toEqual([
      { id: 'call_a', name: 'sleep', arguments: '{"ms":5}' },
      { id: 'call_b', name: 'clock', arguments: '{}' },
    ]);
  });

  it('keeps a name repeated in every piece once, and joins a name streamed in parts', () => {
    expect(
      assemble([
        { index: 0, id: 'call_r', name: 'clock' },
        { index: 0, name: 'clock', arguments: '{' },
        { index: 0, name: 'clock', arguments: '}' },
      ]).calls(),
    ).toEqual([{ id: 'call_r', name: 'clock', arguments: '{}' }]);
    expect(
      assemble([
        { index: 0, name: 'docs_' },
        { index: 0, name: 'search' },
      ]).calls()[0]?.name,
    ).toBe('docs_search');
  });

  it('keeps the first id of a call', () => {
    expect(
      assemble([
        { index: 0, id: 'call_first' },
        { index: 0, id: 'call_other' },
      ]).calls()[0]?.id,
    ).toBe('call_first');
  });

  it('reports nothing started before any fragment', () => {
    const assembler = new ToolCallAssembler();
    expect(assembler.started).toBe(false);
    expect(assembler.calls()).toEqual([]);
  });
});
