/** Display formatting shared by the status line and the tool call rows. */

/** `12 ms` below one second (rounded; `<1 ms` under half a millisecond), otherwise seconds with one decimal: `1.2 s`. */
export function formatDuration(ms: number): string {
  const rounded = Math.round(ms);
  if (rounded < 1) return '<1 ms';
  if (rounded < 1000) return `${rounded} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Whole seconds for a clock that ticks: `0 s`, `42 s`, then `1 min 05 s`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
