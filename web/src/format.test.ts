import { describe, expect, it } from 'vitest';
import { formatDuration, formatElapsed } from './format';

describe('formatDuration', () => {
  it('shows whole milliseconds below one second', () => {
    expect(formatDuration(0)).toBe('<1 ms');
    expect(formatDuration(0.4)).toBe('<1 ms');
    expect(formatDuration(0.6)).toBe('1 ms');
    expect(formatDuration(12)).toBe('12 ms');
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(998.6)).toBe('999 ms');
  });

  it('switches to seconds with one decimal from one second', () => {
    expect(formatDuration(999.6)).toBe('1.0 s');
    expect(formatDuration(1000)).toBe('1.0 s');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(61_250)).toBe('61.3 s');
  });
});

describe('formatElapsed', () => {
  it('ticks in whole seconds, then minutes and seconds', () => {
    expect(formatElapsed(0)).toBe('0 s');
    expect(formatElapsed(999)).toBe('0 s');
    expect(formatElapsed(42_500)).toBe('42 s');
    expect(formatElapsed(65_000)).toBe('1 min 05 s');
    expect(formatElapsed(-5)).toBe('0 s');
  });
});
