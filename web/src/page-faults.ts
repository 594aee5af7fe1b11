/**
 * Page fault switches: ways to break the page's own rendering and liveness on
 * purpose, so the harness can prove that its standard checks catch a page that
 * receives every event but fails to show it. Only a harness build reads them
 * (`npm run build:test-page`, `VITE_PAGE_FAULTS=1`); in a production build the
 * code that reads them is compiled out, every switch is off, and the checks
 * for them at each call site are inert.
 *
 * A test turns them on before the page loads:
 *   await page.addInitScript(() => { window.__pageFaults = ['no-tool-progress']; });
 * and the page confirms what it applied in `<html data-page-faults="…">`.
 */

const PAGE_FAULTS = {
  'no-agent-name': 'agent_started: the agent name is never drawn',
  'no-thought-trail': 'agent_thinking: thoughts never reach the trail',
  'no-tool-args': 'tool_executing: tool calls are drawn without their arguments',
  'no-tool-progress': 'tool_progress: no progress bar or value is drawn',
  'no-tool-completion': 'tool_completed: tool calls keep their running state',
  'drop-repeated-delta': 'partial_result: a delta equal to the one before it is not drawn',
  'wrong-final-state': 'agent_completed: every ended run is drawn as completed',
  'no-elapsed': 'a running turn shows no elapsed time',
  'stall-waits-for-close': 'a stalled socket is closed politely, and the alert waits for the close handshake',
  'no-quiet-notice': 'a run without progress never says so',
  'no-stuck-state': 'a run without progress is never called stuck',
  'stop-never-settles': 'Stop waits for the server forever',
  'escape-ignored': 'Escape does not stop a run',
  'new-chat-keeps-thread': 'New chat clears the page but keeps sending to the old thread',
  'keepalive-in-trail': 'keep-alives are drawn as thoughts',
} as const;

export type PageFault = keyof typeof PAGE_FAULTS;

export interface PageFaults {
  has(fault: PageFault): boolean;
}

/** Every switch off: what a production build always uses. */
export const NO_PAGE_FAULTS: PageFaults = Object.freeze({ has: () => false });

declare global {
  interface Window {
    /** Set by a test's init script in a harness build; see the module comment. */
    __pageFaults?: unknown;
  }
}

/** The switches a test set on `window.__pageFaults`; unknown names are ignored and not confirmed. */
export function readPageFaults(target: Window): PageFaults {
  const requested = Array.isArray(target.__pageFaults) ? target.__pageFaults : [];
  const on = new Set(requested.filter((name): name is PageFault => typeof name === 'string' && name in PAGE_FAULTS));
  if (on.size > 0) target.document.documentElement.dataset.pageFaults = [...on].join(' ');
  return { has: (fault) => on.has(fault) };
}
