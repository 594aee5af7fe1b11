/**
 * Renders chat state into the page shell of index.html, incrementally: turns,
 * tool calls and errors are keyed and created once, then only patched.
 */
import { element } from './dom';
import { NO_PAGE_FAULTS, type PageFaults } from './page-faults';
import { TurnView, type TurnViewContext } from './render-turn';
import { activeTurn, type ChatState, canSend, type GlobalError } from './state';
import { isReplayedTurn } from './turn';
import { connectionBannerText, runAnnouncement } from './view-text';

/** Within this many pixels of the bottom, new content keeps the log scrolled down. */
const STICK_TO_BOTTOM_PX = 80;

export interface ChatShell {
  readonly log: HTMLElement;
  readonly emptyState: HTMLElement;
  readonly banner: HTMLElement;
  readonly globalErrors: HTMLElement;
  readonly form: HTMLFormElement;
  readonly textbox: HTMLTextAreaElement;
  readonly send: HTMLButtonElement;
  readonly stop: HTMLButtonElement;
  readonly newChat: HTMLButtonElement;
  readonly palette: HTMLElement;
  /** The one polite live region: it announces each run's start and end. */
  readonly announcer: HTMLElement;
  readonly jumpToLatest: HTMLButtonElement;
  readonly threadsToggle: HTMLButtonElement;
  readonly threads: HTMLElement;
}

function required<T extends HTMLElement>(root: Document, id: string, type: new () => T): T {
  const found = root.getElementById(id);
  if (!(found instanceof type)) throw new Error(`index.html is missing #${id}`);
  return found;
}

export function findChatShell(root: Document): ChatShell {
  return {
    log: required(root, 'log', HTMLElement),
    emptyState: required(root, 'empty-state', HTMLElement),
    banner: required(root, 'connection-banner', HTMLElement),
    globalErrors: required(root, 'global-errors', HTMLElement),
    form: required(root, 'composer', HTMLFormElement),
    textbox: required(root, 'message', HTMLTextAreaElement),
    send: required(root, 'send', HTMLButtonElement),
    stop: required(root, 'stop', HTMLButtonElement),
    newChat: required(root, 'new-chat', HTMLButtonElement),
    palette: required(root, 'command-palette', HTMLElement),
    announcer: required(root, 'announcer', HTMLElement),
    jumpToLatest: required(root, 'jump-to-latest', HTMLButtonElement),
    threadsToggle: required(root, 'threads-toggle', HTMLButtonElement),
    threads: required(root, 'threads', HTMLElement),
  };
}

export function createChatRenderer(
  shell: ChatShell,
  body: HTMLElement,
  faults: PageFaults = NO_PAGE_FAULTS,
): (state: ChatState) => void {
  const turnViews = new Map<string, TurnView>();
  const errorItems = new Map<number, HTMLElement>();
  let previous: ChatState | undefined;

  // Scrolled up, the page does not follow new content; a button offers the way back down.
  shell.log.addEventListener('scroll', () => {
    const { log } = shell;
    shell.jumpToLatest.hidden = log.scrollHeight - log.scrollTop - log.clientHeight <= STICK_TO_BOTTOM_PX;
  });
  shell.jumpToLatest.addEventListener('click', () => {
    shell.log.scrollTop = shell.log.scrollHeight;
    shell.jumpToLatest.hidden = true;
    // The button goes away under the focus: the composer takes it.
    shell.textbox.focus({ preventScroll: true });
  });

  function renderTurns(state: ChatState, context: TurnViewContext): boolean {
    let added = false;
    if (turnViews.size > state.turns.length) removeLeftTurns(state);
    for (const turn of state.turns) {
      const view = turnViews.get(turn.clientMessageId);
      if (view) {
        view.update(turn, context);
      } else {
        const created = new TurnView(turn, context);
        turnViews.set(turn.clientMessageId, created);
        shell.log.append(created.element);
        added = true;
      }
    }
    shell.emptyState.hidden = state.turns.length > 0;
    return added;
  }

  // New chat empties the conversation.
  function removeLeftTurns(state: ChatState): void {
    const kept = new Set(state.turns.map((turn) => turn.clientMessageId));
    for (const [key, view] of turnViews) {
      if (kept.has(key)) continue;
      view.element.remove();
      turnViews.delete(key);
    }
  }

  function renderGlobalErrors(errors: readonly GlobalError[]): void {
    const current = new Set(errors.map((error) => error.id));
    for (const [id, item] of errorItems) {
      if (current.has(id)) continue;
      item.remove();
      errorItems.delete(id);
    }
    for (const error of errors) {
      if (errorItems.has(error.id)) continue;
      const item = element('p', { className: 'global-error', text: error.message, attributes: { role: 'alert' } });
      item.dataset.errorCode = error.code;
      errorItems.set(error.id, item);
      shell.globalErrors.append(item);
    }
    shell.globalErrors.hidden = errors.length === 0;
  }

  // Only changes are announced: a run's start, and how it ended (not every thought). A replayed history
  // (a reload, a past chat) is not news: only the turns this page sent are announced.
  function announce(state: ChatState): void {
    const before = new Map(previous?.turns.map((turn) => [turn.clientMessageId, turn.state]));
    for (const turn of state.turns) {
      const was = before.get(turn.clientMessageId);
      if (was === turn.state || isReplayedTurn(turn)) continue;
      const text = runAnnouncement(turn, was);
      if (text && shell.announcer.textContent !== text) shell.announcer.textContent = text;
    }
  }

  function renderControls(state: ChatState): void {
    const active = activeTurn(state);
    shell.send.disabled = !canSend(state);
    shell.stop.hidden = active === undefined;
    shell.stop.disabled = active?.runId === undefined || active.cancelRequested || state.connection !== 'open';
  }

  function renderConnection(state: ChatState): void {
    body.dataset.connection = state.connection;
    const text = connectionBannerText(state);
    shell.banner.hidden = text === undefined;
    if (text !== undefined && shell.banner.textContent !== text) shell.banner.textContent = text;
  }

  return function render(state: ChatState): void {
    const { log } = shell;
    // Read layout once, before any write, so a commit costs a single reflow.
    const wasNearBottom = log.scrollHeight - log.scrollTop - log.clientHeight <= STICK_TO_BOTTOM_PX;

    const context: TurnViewContext = { now: state.now, liveness: state.liveness, faults };
    const turnAdded = state.turns !== previous?.turns && renderTurns(state, context);
    // Elapsed time and liveness move with the clock, without any event: refresh the newest turn.
    const last = state.turns.at(-1);
    if (last && state.now !== previous?.now) turnViews.get(last.clientMessageId)?.update(last, context);
    if (state.errors !== previous?.errors) renderGlobalErrors(state.errors);
    if (state.connection !== previous?.connection || state.hasConnected !== previous?.hasConnected) {
      renderConnection(state);
    }
    if (state.turns !== previous?.turns) announce(state);
    renderControls(state);
    previous = state;

    if (wasNearBottom || turnAdded) log.scrollTop = log.scrollHeight;
  };
}
