import { describe, expect, it } from 'vitest';
import { MAX_THOUGHT_CHARS, readableThought, StepReader } from './step-reader';
import type { ChunkDelta } from './stream-chunk';

function delta(part: Partial<ChunkDelta>): ChunkDelta {
  return { content: '', reasoning: '', toolCalls: [], ...part };
}

function reader() {
  const seen: string[] = [];
  const step = new StepReader({
    text: (text) => seen.push(`text:${text}`),
    thought: (thought) => seen.push(`thought:${thought}`),
  });
  return { step, seen };
}

describe('StepReader', () => {
  it('streams text as it comes and ends with the finish reason', () => {
    const { step, seen } = reader();
    step.accept(delta({ content: 'Hel' }));
    step.accept(delta({ content: 'lo' }));
    expect(step.finishReason).toBeUndefined();
    step.accept(delta({ finishReason: 'stop' }));
    expect(seen).toEqual(['text:Hel', 'text:lo']);
    expect(step.result()).toEqual({ content: 'Hello', toolCalls: [], finishReason: 'stop' });
    expect(step.streamedText).toBe(true);
  });

  it('gathers reasoning into one thought per segment, emitted when the segment ends', () => {
    const { step, seen } = reader();
    step.accept(delta({ reasoning: 'First I ' }));
    step.accept(delta({ reasoning: 'read the question.' }));
    expect(seen).toEqual([]);
    step.accept(delta({ content: 'Let me check. ' }));
    step.accept(delta({ reasoning: 'Now the ' }));
    step.accept(delta({ reasoning: 'clock.' }));
    step.accept(delta({ toolCalls: [{ index: 0, id: 'call_1', name: 'clock' }] }));
    step.accept(delta({ reasoning: 'Trailing thought.' }));
    step.flushReasoning();
    expect(seen).toEqual([
      'thought:First I read the question.',
      'text:Let me check. ',
      'thought:Now the clock.',
      'thought:Trailing thought.',
    ]);
  });

  it('says whether a tool call has started, without any text', () => {
    const { step } = reader();
    expect(step.inToolCall).toBe(false);
    step.accept(delta({ toolCalls: [{ index: 0, id: 'call_1', name: 'clock' }] }));
    expect(step.inToolCall).toBe(true);
    expect(step.streamedText).toBe(false);
  });

  it('does not emit an empty thought for whitespace-only reasoning', () => {
    const { step, seen } = reader();
    step.accept(delta({ reasoning: ' \n ' }));
    step.flushReasoning();
    expect(seen).toEqual([]);
  });
});

describe('readableThought', () => {
  it('collapses whitespace into one line', () => {
    expect(readableThought('  one\n\ntwo\tthree  ')).toBe('one two three');
  });

  it('cuts a long thought on a word boundary with an ellipsis', () => {
    const thought = readableThought('word '.repeat(200));
    expect(thought.length).toBeLessThanOrEqual(MAX_THOUGHT_CHARS);
    expect(thought).toMatch(/word…$/);
  });

  it('cuts a long thought without spaces at the limit', () => {
    const thought = readableThought('x'.repeat(1000));
    expect(thought).toBe(`${'x'.repeat(MAX_THOUGHT_CHARS - 1)}…`);
  });
});
