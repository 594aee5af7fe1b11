/**
 * The command palette: typing "/" at the start of the message lists the
 * commands and scenarios the server offers (from `/api/scenarios`), with what
 * each does, narrowing as you type. Arrow keys move, Enter or Tab takes one,
 * Escape closes it. The textbox keeps its role (the page's public contract);
 * it points at the list with aria-controls and aria-activedescendant.
 */
import { z } from 'zod';
import { element } from './dom';

export interface PaletteEntry {
  /** What taking the entry puts in the textbox, e.g. `/scenario basic `. */
  insert: string;
  label: string;
  description: string;
}

const catalogSchema = z.object({
  enabled: z.boolean(),
  scenarios: z.array(z.object({ name: z.string(), description: z.string() })),
  commands: z
    .array(
      z.object({
        command: z.string(),
        usage: z.string(),
        description: z.string(),
        enabled: z.boolean(),
        enableWith: z.string().optional(),
      }),
    )
    .default([]),
});

/** The entries of a `/api/scenarios` answer: each command, then each scenario when scenarios are on. */
export function paletteEntries(answer: unknown): PaletteEntry[] {
  const catalog = catalogSchema.parse(answer);
  const commands = catalog.commands.map((info) => ({
    insert: info.usage === info.command ? info.command : `${info.command} `,
    label: info.usage,
    description: info.enabled ? info.description : `Turned off here: ${info.enableWith ?? 'not available'}`,
  }));
  const scenarios = catalog.enabled
    ? catalog.scenarios.map(({ name, description }) => ({
        insert: `/scenario ${name}`,
        label: `/scenario ${name}`,
        description,
      }))
    : [];
  return [...commands, ...scenarios];
}

/** Most entries shown at once. */
const MAX_SHOWN = 8;

/** The entries for what is typed: only while it is one line that starts with "/", and not yet a whole entry. */
export function matchingEntries(entries: readonly PaletteEntry[], text: string): PaletteEntry[] {
  if (!text.startsWith('/') || text.includes('\n')) return [];
  const query = text.toLowerCase();
  if (entries.some((entry) => entry.insert.trimEnd().toLowerCase() === query.trimEnd() && query !== '/')) return [];
  return entries.filter((entry) => entry.label.toLowerCase().startsWith(query)).slice(0, MAX_SHOWN);
}

export class CommandPalette {
  #entries: PaletteEntry[] | undefined;
  #loading: Promise<void> | undefined;
  #shown: PaletteEntry[] = [];
  #active = -1;

  constructor(
    private readonly textbox: HTMLTextAreaElement,
    private readonly list: HTMLElement,
    private readonly load: () => Promise<unknown> = () => fetch('/api/scenarios').then((r) => r.json()),
  ) {
    textbox.setAttribute('aria-controls', list.id);
    textbox.setAttribute('aria-autocomplete', 'list');
    // mousedown, not click: the textbox keeps its focus.
    list.addEventListener('mousedown', (event) => {
      const option = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-index]') : null;
      if (!option) return;
      event.preventDefault();
      this.#take(Number(option.dataset.index));
    });
  }

  get isOpen(): boolean {
    return !this.list.hidden;
  }

  /** Follows the textbox: opens, narrows or closes the list. */
  update(): void {
    const text = this.textbox.value;
    if (!text.startsWith('/')) {
      this.close();
      return;
    }
    if (!this.#entries) {
      this.#loading ??= this.load()
        .then((answer) => {
          this.#entries = paletteEntries(answer);
        })
        .catch(() => {
          this.#entries = [];
        })
        .then(() => this.update());
      return;
    }
    this.#show(matchingEntries(this.#entries, text));
  }

  /** Handles a key while the list is open; true when it took the key. */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.isOpen || event.isComposing) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.#setActive((this.#active + step + this.#shown.length) % this.#shown.length);
      return true;
    }
    if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && this.#active >= 0) {
      this.#take(this.#active);
      return true;
    }
    if (event.key === 'Escape') {
      this.close();
      return true;
    }
    return false;
  }

  close(): void {
    this.#show([]);
  }

  #show(entries: PaletteEntry[]): void {
    this.#shown = entries;
    this.list.replaceChildren(
      ...entries.map((entry, index) => {
        const option = element(
          'div',
          { className: 'palette-option', attributes: { role: 'option', 'aria-selected': 'false' } },
          element('span', { className: 'palette-label', text: entry.label }),
          element('span', { className: 'palette-description', text: entry.description }),
        );
        option.id = `${this.list.id}-option-${index}`;
        option.dataset.index = String(index);
        return option;
      }),
    );
    this.list.hidden = entries.length === 0;
    this.#setActive(entries.length > 0 ? 0 : -1);
  }

  #setActive(index: number): void {
    this.#active = index;
    for (const [i, option] of [...this.list.children].entries()) {
      option.setAttribute('aria-selected', String(i === index));
    }
    const active = this.list.children[index];
    if (active) {
      this.textbox.setAttribute('aria-activedescendant', active.id);
      active.scrollIntoView({ block: 'nearest' });
    } else {
      this.textbox.removeAttribute('aria-activedescendant');
    }
  }

  #take(index: number): void {
    const entry = this.#shown[index];
    if (!entry) return;
    this.close();
    this.textbox.value = entry.insert;
    this.textbox.setSelectionRange(entry.insert.length, entry.insert.length);
    // As if typed: the textbox fits its content, and the list narrows (to the scenarios after "/scenario ").
    this.textbox.dispatchEvent(new Event('input', { bubbles: true }));
  }
}
