/** Display formatting shared by the status line and the tool call rows. */

/** `12 ms` below one second (rounded), otherwise seconds with one decimal: `1.2 s`. */
export function formatDuration(ms: number): string {
  const rounded = Math.round(ms);
  if (rounded < 1000) return `${rounded} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
