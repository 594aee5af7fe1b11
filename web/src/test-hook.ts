/**
 * Read-only test hook for the Playwright harness, installed as `window.__chatHarness`.
 *
 *   window.__chatHarness.stats() → {
 *     framesReceived,   // WebSocket frames received since page load, valid or not
 *     invalidFrames,    // frames that failed parseServerFrame (each also shown as a global error)
 *     unknownRunEvents, // valid run events whose runId matched no turn (ignored)
 *     duplicateEvents,  // run events dropped because their seq was already applied
 *     renders,          // DOM commits; a burst of events is batched into one commit per animation frame
 *     lastRenderAt,     // Date.now() of the latest DOM commit, or null before the first
 *   }
 *   window.__chatHarness.violations() → [{ runId, violations }]
 *     // one entry per run whose agent_completed has arrived, in turn order; `violations` is the
 *     // checkRunLifecycle result for that run's events ([] when the run kept the contract)
 *
 *   window.__chatHarness.runEvents(runId) → the run events the page applied for that run, in order
 *   window.__chatHarness.renderLag(runId?) → { entries: [{ runId, seq, type, lagMs, sinceEmitMs, commitMs }],
 *                                                summary: { [type]: { count, p50, p95, max,
 *                                                                     sinceEmit: { p50, p95, max } } } }
 *     // lagMs: from the frame arriving to the DOM commit that drew it (performance.now() ms)
 *     // sinceEmitMs: from the server's emit (`ts`) to that commit (wall clock; needs clocks in sync)
 *     // commitMs: that commit's own work; lagMs − commitMs is the wait for it (the next frame)
 *
 * All return fresh copies; nothing here can change the page.
 */
import type { RunEvent, Violation } from '../../protocol';
import { eventLogToArray } from './event-log';
import type { LagEntry, LagSummary, RenderLagRecorder } from './render-lag';
import type { ChatState } from './state';

interface ChatHarnessStats {
  framesReceived: number;
  invalidFrames: number;
  unknownRunEvents: number;
  duplicateEvents: number;
  renders: number;
  lastRenderAt: number | null;
}

export interface ChatHarnessHook {
  stats(): ChatHarnessStats;
  violations(): Array<{ runId: string; violations: Violation[] }>;
  renderLag(runId?: string): { entries: LagEntry[]; summary: Record<string, LagSummary> };
  runEvents(runId: string): RunEvent[];
}

export interface ChatHarnessSources {
  getState(): ChatState;
  connectionStats(): { framesReceived: number; invalidFrames: number };
  renderStats(): { renders: number; lastRenderAt: number | undefined };
  renderLag?: RenderLagRecorder;
}

declare global {
  interface Window {
    __chatHarness?: ChatHarnessHook;
  }
}

export function createChatHarness(sources: ChatHarnessSources): ChatHarnessHook {
  return Object.freeze({
    stats() {
      const { framesReceived, invalidFrames } = sources.connectionStats();
      const { renders, lastRenderAt } = sources.renderStats();
      const { unknownRunEvents, duplicateEvents } = sources.getState();
      const lastRender = lastRenderAt ?? null;
      return { framesReceived, invalidFrames, unknownRunEvents, duplicateEvents, renders, lastRenderAt: lastRender };
    },
    runEvents(runId: string) {
      const turn = sources.getState().turns.find((candidate) => candidate.runId === runId);
      return turn ? structuredClone(eventLogToArray(turn.events)) : [];
    },
    renderLag(runId?: string) {
      return { entries: sources.renderLag?.entries(runId) ?? [], summary: sources.renderLag?.summary(runId) ?? {} };
    },
    violations() {
      return sources
        .getState()
        .turns.flatMap((turn) =>
          turn.runId !== undefined && turn.violations !== undefined
            ? [{ runId: turn.runId, violations: turn.violations.map((violation) => ({ ...violation })) }]
            : [],
        );
    },
  });
}

export function installChatHarness(target: Window, sources: ChatHarnessSources): void {
  Object.defineProperty(target, '__chatHarness', { value: createChatHarness(sources), enumerable: false });
}
