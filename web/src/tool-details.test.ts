import { describe, expect, it } from 'vitest';
import { detailSections, detailsJson, MAX_DETAILS_TEXT } from './tool-details';
import type { ToolCall } from './turn';

const call = (over: Partial<ToolCall>): ToolCall => ({
  toolCallId: 't-1',
  toolName: 'calculator',
  args: { expression: '2 ^ 10' },
  state: 'running',
  ...over,
});

describe('tool details', () => {
  it('shows the arguments, then the result once the call succeeded, or its error once it failed', () => {
    expect(detailSections(call({}))).toEqual([{ label: 'Arguments', text: '{\n  "expression": "2 ^ 10"\n}' }]);
    expect(detailSections(call({ state: 'success', result: { value: 1024 } })).map((s) => s.label)).toEqual([
      'Arguments',
      'Result',
    ]);
    expect(detailSections(call({ state: 'error', error: 'division by zero' })).at(-1)).toEqual({
      label: 'Error',
      text: 'division by zero',
    });
    expect(detailSections(call({ args: undefined, state: 'success' }))).toEqual([
      { label: 'Arguments', text: '(none)' },
      { label: 'Result', text: '(none)' },
    ]);
  });

  it('cuts a long value and says how much is left out', () => {
    const text = detailsJson('x'.repeat(MAX_DETAILS_TEXT + 10));
    expect(text.startsWith('x'.repeat(MAX_DETAILS_TEXT))).toBe(true);
    expect(text.endsWith('… (10 more characters)')).toBe(true);
  });
});
