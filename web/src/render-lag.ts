/**
 * Render lag: for each run event, the time from its frame arriving to the DOM
 * commit that reflects it. Read through the test hook (`renderLag()`), so the
 * harness can report p50 / p95 / max per event type and assert on them.
 */

/** Most recent events kept; older ones are dropped so a long session stays small. */
export const MAX_LAG_ENTRIES = 20_000;

export interface LagEntry {
  runId: string;
  seq: number;
  type: string;
  lagMs: number;
}

export interface LagSummary {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

export class RenderLagRecorder {
  readonly #now: () => number;
  #pending: Array<{ runId: string; seq: number; type: string; arrivedAt: number }> = [];
  #entries: LagEntry[] = [];

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** A run event's frame arrived. */
  arrived(event: { runId: string; seq: number; type: string }): void {
    this.#pending.push({ runId: event.runId, seq: event.seq, type: event.type, arrivedAt: this.#now() });
  }

  /** The DOM was committed: everything that arrived before is now drawn. */
  committed(): void {
    if (this.#pending.length === 0) return;
    const at = this.#now();
    for (const { arrivedAt, ...event } of this.#pending) this.#entries.push({ ...event, lagMs: at - arrivedAt });
    this.#pending = [];
    if (this.#entries.length > MAX_LAG_ENTRIES) this.#entries = this.#entries.slice(-MAX_LAG_ENTRIES);
  }

  entries(runId?: string): LagEntry[] {
    return this.#entries.filter((entry) => runId === undefined || entry.runId === runId).map((entry) => ({ ...entry }));
  }

  /** p50 / p95 / max lag per event type. */
  summary(runId?: string): Record<string, LagSummary> {
    const byType = new Map<string, number[]>();
    for (const entry of this.entries(runId)) {
      const list = byType.get(entry.type) ?? [];
      list.push(entry.lagMs);
      byType.set(entry.type, list);
    }
    return Object.fromEntries([...byType].map(([type, lags]) => [type, summarize(lags)]));
  }
}

function summarize(lags: number[]): LagSummary {
  const sorted = [...lags].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? 0 };
}
