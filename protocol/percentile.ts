/**
 * The one percentile of the project, so the figures the page's test hook, the
 * harness's lag summary and the benchmarks report agree: nearest rank, so
 * every figure is a value that was measured.
 */

/** Nearest-rank percentile (`q` in 0..1) of an ascending array; 0 for an empty one. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}
