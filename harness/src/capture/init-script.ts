/**
 * What runs in the page, before any of its own scripts: it captures every
 * frame the page receives (WebSocket messages, and the events of every
 * `text/event-stream` fetch response, teed so the page reads them untouched)
 * with its arrival time, and records what each turn shows at every DOM commit
 * through the UI map. Everything goes to the test through one binding, so a
 * reload loses nothing. Self-contained: Playwright serializes this function.
 */
import type { CapturedFrame } from '../adapters/adapter';
import type { UiMap } from '../ui-map';
import type { PageCommit, TurnCommit } from './commits';

export interface CaptureConfig {
  ui: UiMap;
  /** Name of the binding that takes `CaptureMessage`s. */
  binding: string;
}

export type CaptureMessage =
  | { kind: 'load'; load: string; timeOrigin: number }
  | { kind: 'frame'; load: string; frame: CapturedFrame }
  | { kind: 'turn'; load: string; commit: TurnCommit }
  | { kind: 'page'; load: string; commit: PageCommit };

export function installAgentCapture(config: CaptureConfig): void {
  // The top frame is the chat page; a frame inside it (an ad, a login iframe) would be a second, unrelated load.
  if (window !== window.top) return;
  const { ui, binding } = config;
  const target = window as unknown as Record<string, unknown> & Window;
  // Each binding call costs a round trip to the test, so messages go in batches with one call in flight:
  // a 5,000-frame burst is a few dozen calls, not 5,000. Times are taken at capture, so batching moves none.
  let pending: CaptureMessage[] = [];
  let inFlight: Promise<void> | undefined;
  const sendPending = (): Promise<void> | undefined => {
    const send = target[binding];
    if (pending.length === 0 || typeof send !== 'function') return undefined;
    const batch = pending;
    pending = [];
    // A call fails only when the page is going: there is nobody left to tell.
    return (send as (batch: CaptureMessage[]) => Promise<void>)(batch).catch(() => undefined);
  };
  const pump = () => {
    if (inFlight) return;
    inFlight = sendPending()?.finally(() => {
      inFlight = undefined;
      pump();
    });
  };
  const push = (message: CaptureMessage) => {
    pending.push(message);
    pump();
  };
  // The test waits on this before its final checks, so nothing captured is still on its way.
  // It answers why the recorder stopped, if it did (a UI map selector that is not CSS, say).
  let recorderFailure: string | undefined;
  target[`${binding}Settle`] = async () => {
    pump();
    while (inFlight) {
      await inFlight;
      pump();
    }
    return recorderFailure;
  };
  const load = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  push({ kind: 'load', load, timeOrigin: performance.timeOrigin });
  let channels = 0;
  const frame = (transport: 'websocket' | 'sse', channel: number, url: string, data: string, event?: string) =>
    push({
      kind: 'frame',
      load,
      frame: { transport, channel, url, at: performance.now(), epochMs: Date.now(), data, ...(event ? { event } : {}) },
    });

  // WebSocket: a listener added at construction runs before the page's own onmessage. Whatever class
  // stands as window.WebSocket (Playwright's routeWebSocket puts a mock there) is wrapped, so the
  // capture sees what the page is given; a socket made by the class that was replaced (the mock's
  // own connection to the server) no longer counts.
  const wrap = (Base: typeof WebSocket) => {
    const state = { current: true };
    const Capturing = class extends Base {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        if (!state.current) return;
        const channel = ++channels;
        this.addEventListener('message', (event: MessageEvent) => {
          if (state.current && typeof event.data === 'string') frame('websocket', channel, this.url, event.data);
        });
      }
    };
    return { Capturing, state };
  };
  let wrapped = wrap(window.WebSocket);
  Object.defineProperty(window, 'WebSocket', {
    configurable: true,
    get: () => wrapped.Capturing,
    set: (replacement: typeof WebSocket) => {
      wrapped.state.current = false;
      wrapped = wrap(replacement);
    },
  });

  // SSE over fetch: tee the body; the page reads one branch, the capture parses the other.
  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await nativeFetch(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream') || !response.body) return response;
    const [forPage, forCapture] = response.body.tee();
    const channel = ++channels;
    const url = response.url || String(input instanceof Request ? input.url : input);
    void readEvents(forCapture, (data, event) => frame('sse', channel, url, data, event));
    const teed = new Response(forPage, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // A constructed Response has no url and is never redirected; the page may read both.
    for (const key of ['url', 'redirected', 'type'] as const) {
      Object.defineProperty(teed, key, { value: response[key] });
    }
    return teed;
  };

  async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (data: string, event?: string) => void) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const flush = (block: string) => {
      const data: string[] = [];
      let event: string | undefined;
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
        else if (line.startsWith('event:')) event = line.slice(6).trim();
      }
      if (data.length > 0) onEvent(data.join('\n'), event);
    };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        const blocks = buffer.split(/\r?\n\r?\n/);
        buffer = blocks.pop() ?? '';
        for (const block of blocks) flush(block);
      }
      // An event without its closing blank line is never dispatched (the SSE spec, and eventsource-parser
      // as the AI SDK uses it, drop it at the end of the stream), so the page never saw it either.
    } catch {
      // The page aborted or the network cut the stream: the page sees that too; nothing more to capture.
    }
  }

  // The recorder: what each turn shows, through the UI map, at every DOM commit.
  type Reader = { attribute?: string; values?: Record<string, string>; selectors?: Record<string, string> };
  const readState = (element: Element, reader: Reader | undefined): string => {
    if (!reader) return '';
    if (reader.attribute) {
      const value = element.getAttribute(reader.attribute);
      if (value !== null) return reader.values ? (reader.values[value] ?? '') : value;
    }
    for (const [state, selector] of Object.entries(reader.selectors ?? {})) {
      if (element.matches(selector) || element.querySelector(selector)) return state;
    }
    return '';
  };
  const visible = (element: Element | null): boolean =>
    element instanceof HTMLElement ? !element.hidden && element.getClientRects().length > 0 : Boolean(element);
  const anyVisible = (root: ParentNode, selector: string | undefined) =>
    selector ? [...root.querySelectorAll(selector)].some(visible) : false;
  const nonSpace = (text: string) => text.replace(/\s+/g, '').length;

  const lastTurn: string[] = [];
  let lastPage = '';
  // A turn the DOM changed in gets a commit even when nothing the map reads changed: the page drew
  // (an event's arrival was handled), and the checks ask what the first commit after an arrival showed.
  const touchedTurns = (mutations: MutationRecord[]): Set<Element> => {
    const touched = new Set<Element>();
    for (const mutation of mutations) {
      const node = mutation.target;
      const turn = (node instanceof Element ? node : node.parentElement)?.closest(ui.turn);
      if (turn) touched.add(turn);
    }
    return touched;
  };
  const record = (mutations: MutationRecord[]) => {
    const touched = touchedTurns(mutations);
    const at = performance.now();
    const pageCommit = { at, stall: anyVisible(document, ui.stallIndicator), busy: anyVisible(document, ui.busy) };
    const pageKey = `${pageCommit.stall}|${pageCommit.busy}`;
    if (pageKey !== lastPage) {
      lastPage = pageKey;
      push({ kind: 'page', load, commit: pageCommit });
    }
    document.querySelectorAll(ui.turn).forEach((turn, index) => {
      // A page may draw the answer in several parts (the AI SDK's text parts): all of them, in order.
      const answer = [...turn.querySelectorAll(ui.answer)].map((part) => part.textContent ?? '').join('');
      const tools = ui.toolCall
        ? [...turn.querySelectorAll(ui.toolCall)].map((item) => {
            const bar = ui.toolProgress ? item.querySelector(ui.toolProgress.selector) : null;
            const progress = bar && ui.toolProgress ? bar.getAttribute(ui.toolProgress.attribute) : null;
            return {
              id: ui.toolCallIdAttribute ? (item.getAttribute(ui.toolCallIdAttribute) ?? undefined) : undefined,
              name: (ui.toolName ? item.querySelector(ui.toolName)?.textContent : item.textContent)?.trim() ?? '',
              args: ui.toolArgs ? (item.querySelector(ui.toolArgs)?.textContent ?? '') : undefined,
              state: readState(item, ui.toolState),
              ...(progress !== null && progress !== '' ? { progress: Number(progress) } : {}),
            };
          })
        : [];
      const elapsedNode = ui.elapsed ? turn.querySelector(ui.elapsed) : null;
      const commit = {
        at,
        turnIndex: index,
        runId: ui.runIdAttribute ? (turn.getAttribute(ui.runIdAttribute) ?? undefined) : undefined,
        lastSeq: ui.seqAttribute ? Number(turn.getAttribute(ui.seqAttribute) ?? Number.NaN) || undefined : undefined,
        state: readState(turn, ui.turnState),
        answerLength: answer.length,
        answerChars: nonSpace(answer),
        thoughts: ui.thought ? [...turn.querySelectorAll(ui.thought)].map((item) => item.textContent ?? '') : [],
        tools,
        elapsed: elapsedNode && visible(elapsedNode) ? (elapsedNode.textContent ?? '') : '',
        stall: anyVisible(turn, ui.turnStallIndicator),
        agentName: ui.agentName ? (turn.querySelector(ui.agentName)?.textContent ?? '') : undefined,
        stuck: ui.stuckIndicator ? turn.matches(ui.stuckIndicator) || anyVisible(turn, ui.stuckIndicator) : false,
      };
      const key = JSON.stringify({ ...commit, at: 0 });
      if (lastTurn[index] === key && !touched.has(turn)) return;
      lastTurn[index] = key;
      push({ kind: 'turn', load, commit });
    });
  };
  // Observing the document itself works before <body> exists, so the first render is seen too.
  const observer = new MutationObserver((mutations) => {
    try {
      record(mutations);
    } catch (error) {
      recorderFailure = `the harness stopped reading the page through its UI map: ${(error as Error).message}`;
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  // A load that ends records its last, undelivered mutations and sends what it holds at once: the call
  // leaves before the page goes.
  window.addEventListener('pagehide', () => {
    const last = observer.takeRecords();
    if (last.length > 0 && !recorderFailure) record(last);
    void sendPending();
  });
}
