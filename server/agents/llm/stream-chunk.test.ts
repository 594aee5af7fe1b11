import { describe, expect, it } from 'vitest';
import { MalformedChunkError, readChunk } from './stream-chunk';

describe('readChunk', () => {
  it('reads text, reasoning and tool call fragments of choice 0', () => {
    expect(
      readChunk({
        id: 'chatcmpl-1',
        choices: [
          {
            index: 0,
            delta: {
              content: 'Hi',
              reasoning_content: 'thinking',
              tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'clock', arguments: '{}' } }],
            },
            finish_reason: null,
          },
        ],
      }),
    ).toEqual({
      content: 'Hi',
      reasoning: 'thinking',
      toolCalls: [{ index: 0, id: 'call_1', name: 'clock', arguments: '{}' }],
    });
  });

  it("reads Ollama's `reasoning` like vLLM's `reasoning_content`", () => {
    expect(readChunk({ choices: [{ delta: { reasoning: 'hmm' } }] }).reasoning).toBe('hmm');
  });

  it('reads nulls and absent fields as nothing, and keeps the finish reason', () => {
    expect(
      readChunk({ choices: [{ index: 0, delta: { content: null, tool_calls: null }, finish_reason: 'stop' }] }),
    ).toEqual({ content: '', reasoning: '', toolCalls: [], finishReason: 'stop' });
  });

  it('reads a usage-only chunk (no choices) as empty', () => {
    expect(readChunk({ choices: [], usage: { total_tokens: 3 } })).toEqual({
      content: '',
      reasoning: '',
      toolCalls: [],
    });
    expect(readChunk({ usage: {} })).toEqual({ content: '', reasoning: '', toolCalls: [] });
  });

  it('ignores choices other than 0', () => {
    expect(readChunk({ choices: [{ index: 1, delta: { content: 'other' } }] }).content).toBe('');
  });

  it('refuses a chunk whose fields have the wrong types, naming the field', () => {
    expect(() => readChunk({ choices: [{ delta: { content: 42 } }] })).toThrow(MalformedChunkError);
    expect(() => readChunk({ choices: [{ delta: { content: 42 } }] })).toThrow(/choices\.0\.delta\.content/);
    expect(() => readChunk('not an object')).toThrow(MalformedChunkError);
  });
});
