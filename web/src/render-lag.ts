/**
 * Render lag: for each run event, the time from its frame arriving to the DOM
 * commit that reflects it, and from the server emitting it (its `ts`) to that
 * commit. Read through the test hook (`renderLag()`), so the harness can report
 * p50 / p95 / max per event type and assert on them.
 */
import { percentile } from '../../protocol';

/** Most recent events kept; older ones are dropped so a long session stays small. */
const MAX_LAG_ENTRIES = 20_000;

export interface LagEntry {
  runId: string;
  seq: number;
  type: string;
  /** Frame arrival → DOM commit, on the page's monotonic clock. */
  lagMs: number;
  /**
   * Server emit (`ts`) → DOM commit, on wall clocks: catches an event held
   * back before it reached the page. Assumes the server's and the browser's
   * clocks agree (same machine, or NTP).
   */
  sinceEmitMs: number;
  /**
   * The commit's own work, from its start to its end; the rest of `lagMs` is
   * the wait for the commit (the next animation frame, or a busy thread).
   */
  commitMs: number;
}

interface LagStats {
  p50: number;
  p95: number;
  max: number;
}

export interface LagSummary extends LagStats {
  count: number;
  sinceEmit: LagStats;
}

export interface LagClocks {
  /** Monotonic clock for arrival → commit. @default performance.now */
  now(): number;
  /** Wall clock comparable with the server's `ts`. @default Date.now */
  wallNow(): number;
}

const DEFAULT_CLOCKS: LagClocks = { now: () => performance.now(), wallNow: () => Date.now() };

interface PendingEvent {
  runId: string;
  seq: number;
  type: string;
  ts: number;
  arrivedAt: number;
}

export class RenderLagRecorder {
  readonly #clocks: LagClocks;
  #pending: PendingEvent[] = [];
  #entries: LagEntry[] = [];
  #commitStartedAt: number | undefined;

  constructor(clocks: Partial<LagClocks> = {}) {
    this.#clocks = { ...DEFAULT_CLOCKS, ...clocks };
  }

  /** A run event's frame arrived. */
  arrived(event: { runId: string; seq: number; type: string; ts: number }): void {
    const { runId, seq, type, ts } = event;
    this.#pending.push({ runId, seq, type, ts, arrivedAt: this.#clocks.now() });
  }

  /** A DOM commit starts (optional: without it, `commitMs` is 0). */
  committing(): void {
    this.#commitStartedAt = this.#clocks.now();
  }

  /** The DOM was committed: everything that arrived before is now drawn. */
  committed(): void {
    const startedAt = this.#commitStartedAt;
    this.#commitStartedAt = undefined;
    if (this.#pending.length === 0) return;
    const at = this.#clocks.now();
    const wallAt = this.#clocks.wallNow();
    const commitMs = startedAt === undefined ? 0 : at - startedAt;
    for (const { arrivedAt, ts, ...event } of this.#pending) {
      this.#entries.push({ ...event, lagMs: at - arrivedAt, sinceEmitMs: wallAt - ts, commitMs });
    }
    this.#pending = [];
    if (this.#entries.length > MAX_LAG_ENTRIES) this.#entries = this.#entries.slice(-MAX_LAG_ENTRIES);
  }

  entries(runId?: string): LagEntry[] {
    return this.#entries.filter((entry) => runId === undefined || entry.runId === runId).map((entry) => ({ ...entry }));
  }

  /** p50 / p95 / max lag per event type. */
  summary(runId?: string): Record<string, LagSummary> {
    const byType = new Map<string, LagEntry[]>();
    for (const entry of this.entries(runId)) {
      const list = byType.get(entry.type) ?? [];
      list.push(entry);
      byType.set(entry.type, list);
    }
    return Object.fromEntries(
      [...byType].map(([type, entries]) => [
        type,
        {
          count: entries.length,
          ...stats(entries.map((entry) => entry.lagMs)),
          sinceEmit: stats(entries.map((entry) => entry.sinceEmitMs)),
        },
      ]),
    );
  }
}

function stats(values: number[]): LagStats {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), max: sorted.at(-1) ?? 0 };
}
