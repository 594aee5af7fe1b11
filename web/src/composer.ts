/**
 * Composer behaviour: Enter sends, Shift+Enter adds a line, the textbox grows
 * with its content, Stop (or Escape, anywhere on the page) asks to cancel the
 * active run, New chat starts a fresh thread, and Retry sends a failed or
 * stopped turn's message again.
 */
import type { CommandPalette } from './command-palette';
import type { ChatShell } from './render';

export interface ComposerHandlers {
  /** Returns whether the text was sent; the textbox is cleared only then. */
  onSubmit(text: string): boolean;
  onStop(): void;
  onNewChat(): void;
  /** Retry on a run that did not complete: sends that turn's message again. */
  onRetry(clientMessageId: string): void;
}

export interface ComposerOptions {
  /** Escape stops the active run. @default true */
  escapeStops?: boolean;
  /** The "/" command list; it takes the keys it handles before the composer does. */
  palette?: CommandPalette;
}

const MAX_TEXTBOX_HEIGHT_PX = 192;

function fitToContent(textbox: HTMLTextAreaElement): void {
  // Empty: back to one row (a wrapping placeholder would otherwise count as content).
  if (textbox.value === '') {
    textbox.style.height = '';
    return;
  }
  textbox.style.height = 'auto';
  textbox.style.height = `${Math.min(textbox.scrollHeight, MAX_TEXTBOX_HEIGHT_PX)}px`;
}

export function bindComposer(shell: ChatShell, handlers: ComposerHandlers, options: ComposerOptions = {}): void {
  const { form, textbox, stop, newChat } = shell;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = textbox.value.trim();
    if (text === '' || !handlers.onSubmit(text)) return;
    textbox.value = '';
    fitToContent(textbox);
    palette?.close();
  });

  const { palette } = options;
  textbox.addEventListener('keydown', (event) => {
    if (palette?.handleKey(event)) {
      // Not to the page's Escape-stops listener either.
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    // isComposing: Enter that confirms an IME composition must not send.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    form.requestSubmit();
  });

  textbox.addEventListener('input', () => {
    fitToContent(textbox);
    palette?.update();
  });
  textbox.addEventListener('blur', () => palette?.close());
  stop.addEventListener('click', () => handlers.onStop());
  // One listener for every turn's Retry button, present and future.
  shell.log.addEventListener('click', (event) => {
    const retry = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-retry-for]') : null;
    if (!retry?.dataset.retryFor) return;
    handlers.onRetry(retry.dataset.retryFor);
    textbox.focus();
  });
  newChat.addEventListener('click', () => {
    handlers.onNewChat();
    textbox.focus();
  });
  if (options.escapeStops === false) return;
  textbox.ownerDocument.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || event.isComposing || stop.hidden || stop.disabled) return;
    event.preventDefault();
    handlers.onStop();
  });
}
