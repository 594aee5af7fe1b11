/**
 * Event timeline of a test: every run event the page received, page load by
 * page load, with its arrival time and when the page drew it, plus the frames
 * that were not valid protocol messages; as JSON and as a small
 * self-contained HTML page, attached to the report.
 */
import type { RunEvent } from '../../../protocol';
import type { AdapterResult } from '../adapters/adapter';
import type { LagEntry } from '../checks/render-lag';

export interface TimelineEntry {
  /** The page load (0 first; a reload starts the next). */
  load: number;
  /** `performance.now()` in the page when the frame arrived. */
  at: number;
  type: string;
  seq?: number;
  runId?: string;
  summary: string;
  /** For an event the page drew: ms from its arrival, and from the server's emit, to the commit. */
  drawn?: { lagMs?: number; sinceEmitMs?: number };
}

function summarize(event: RunEvent): string {
  const payload = event.payload as Record<string, unknown>;
  const parts = [
    payload.agentName,
    payload.thought,
    payload.toolName,
    payload.toolCallId,
    payload.status,
    payload.error,
    payload.delta,
  ];
  const text = parts
    .filter((part) => part !== undefined)
    .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
    .join(' · ');
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

const round = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 10) / 10);

export function buildTimeline(loads: readonly { result: AdapterResult; lags: readonly LagEntry[] }[]): TimelineEntry[] {
  return loads.flatMap(({ result, lags }, load) => {
    const lagOf = new Map(lags.map((lag) => [`${lag.runId}#${lag.seq}`, lag]));
    const events: TimelineEntry[] = result.events.map((event, index) => {
      const lag = lagOf.get(`${event.runId}#${event.seq}`);
      return {
        load,
        at: round(result.arrivals[index]) ?? 0,
        type: event.type,
        seq: event.seq,
        runId: event.runId,
        summary: summarize(event),
        ...(lag ? { drawn: { lagMs: round(lag.lagMs), sinceEmitMs: round(lag.sinceEmitMs) } } : {}),
      };
    });
    const invalid: TimelineEntry[] = result.invalid.map(({ frame, reason }) => ({
      load,
      at: round(frame.at) ?? 0,
      type: '(invalid frame)',
      summary: `${reason}: ${frame.data.slice(0, 80)}`,
    }));
    return [...events, ...invalid].sort((a, b) => a.at - b.at);
  });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** One HTML file, no scripts or external resources: frames are untrusted text, so everything is escaped. */
export function renderTimelineHtml(title: string, entries: readonly TimelineEntry[]): string {
  const rows = entries
    .map(
      (e) =>
        `<tr><td>${e.load}</td><td>${e.at}</td><td>${e.seq ?? ''}</td><td>${escapeHtml(e.type)}</td>` +
        `<td>${escapeHtml(e.runId?.slice(0, 8) ?? '')}</td><td>${e.drawn?.lagMs ?? ''}</td>` +
        `<td>${e.drawn?.sinceEmitMs ?? ''}</td><td>${escapeHtml(e.summary)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:13px system-ui,sans-serif;margin:1rem}table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #ddd}</style>
<h1>${escapeHtml(title)}</h1><p>${entries.length} events; arrival in ms on the page's clock (each load starts at 0);
drawn: ms from the event's arrival, and from the server's emit, to the DOM commit that showed it.</p>
<table><tr><th>load</th><th>ms</th><th>seq</th><th>type</th><th>run</th><th>drawn after arrival</th><th>drawn after emit</th><th>summary</th></tr>
${rows}
</table>`;
}
