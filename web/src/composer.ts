/**
 * Composer behaviour: Enter sends, Shift+Enter adds a line, the textbox grows
 * with its content, and Stop asks to cancel the active run.
 */
import type { ChatShell } from './render';

export interface ComposerHandlers {
  /** Returns whether the text was sent; the textbox is cleared only then. */
  onSubmit(text: string): boolean;
  onStop(): void;
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

export function bindComposer(shell: ChatShell, handlers: ComposerHandlers): void {
  const { form, textbox, stop } = shell;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = textbox.value.trim();
    if (text === '' || !handlers.onSubmit(text)) return;
    textbox.value = '';
    fitToContent(textbox);
  });

  textbox.addEventListener('keydown', (event) => {
    // isComposing: Enter that confirms an IME composition must not send.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    form.requestSubmit();
  });

  textbox.addEventListener('input', () => fitToContent(textbox));
  stop.addEventListener('click', () => handlers.onStop());
}
