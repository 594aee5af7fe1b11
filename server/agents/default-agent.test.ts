import { describe, expect, it } from 'vitest';
import { composeAnswerPart, planToolCalls } from './default-agent';

describe('planToolCalls', () => {
  it('should plan the calculator for arithmetic', () => {
    expect(planToolCalls('what is 12 * (3 + 4)?')).toEqual([
      { toolName: 'calculator', args: { expression: '12 * (3 + 4)' } },
    ]);
  });

  it('should plan the clock for a time question, alongside arithmetic', () => {
    expect(planToolCalls('what time is it, and what is 2 + 2?').map((call) => call.toolName)).toEqual([
      'calculator',
      'clock',
    ]);
  });

  it('should search the docs for anything else, so every run uses a tool', () => {
    expect(planToolCalls('how do I run the tests?')).toEqual([
      { toolName: 'docs_search', args: { query: 'how do I run the tests?', limit: 3 } },
    ]);
  });
});

describe('composeAnswerPart', () => {
  it('should phrase results and failures', () => {
    const base = { toolCallId: 't-1' };
    expect(
      composeAnswerPart({ ...base, ok: true, toolName: 'calculator', result: { expression: '2 + 2', value: 4 } }),
    ).toBe('2 + 2 = 4');
    expect(composeAnswerPart({ ...base, ok: false, toolName: 'clock', error: 'boom' })).toBe(
      'The clock tool failed: boom.',
    );
    expect(
      composeAnswerPart({ ...base, ok: true, toolName: 'docs_search', result: { query: 'zebra', hits: [] } }),
    ).toBe('I found nothing in the project docs about "zebra".');
  });
});
