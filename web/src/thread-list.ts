/**
 * Past chats: a "Chats" button in the header opens the list of the user's
 * threads (from `/api/threads`), newest first, each titled by its first
 * message; picking one switches the page to it (a resume from its start).
 */
import { z } from 'zod';
import { element } from './dom';

const threadListSchema = z.object({
  threads: z.array(z.object({ threadId: z.string(), title: z.string(), updatedAt: z.number() })),
});

export type ThreadSummary = z.infer<typeof threadListSchema>['threads'][number];

function parseThreadList(answer: unknown): ThreadSummary[] {
  return threadListSchema.parse(answer).threads;
}

/** "5 min ago": when a thread last moved. */
function threadMetaText(thread: ThreadSummary, now: number): string {
  const minutes = Math.floor(Math.max(0, now - thread.updatedAt) / 60_000);
  let when: string;
  if (minutes < 1) when = 'just now';
  else if (minutes < 60) when = `${minutes} min ago`;
  else if (minutes < 24 * 60) when = `${Math.floor(minutes / 60)} h ago`;
  else when = new Date(thread.updatedAt).toLocaleDateString();
  return when;
}

export interface ThreadListHandlers {
  load(): Promise<unknown>;
  /** The thread the page is on, if any. */
  current(): string | undefined;
  pick(threadId: string): void;
  focusAfterPick(): void;
}

export class ThreadListView {
  constructor(
    private readonly toggle: HTMLButtonElement,
    private readonly panel: HTMLElement,
    private readonly handlers: ThreadListHandlers,
  ) {
    toggle.setAttribute('aria-controls', panel.id);
    toggle.setAttribute('aria-expanded', 'false');
    toggle.addEventListener('click', () => (panel.hidden ? void this.open() : this.close()));
    panel.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      this.close();
      toggle.focus();
    });
  }

  async open(): Promise<void> {
    this.panel.hidden = false;
    this.toggle.setAttribute('aria-expanded', 'true');
    this.panel.replaceChildren(element('p', { className: 'threads-note', text: 'Loading your chats…' }));
    try {
      this.render(parseThreadList(await this.handlers.load()));
    } catch {
      this.panel.replaceChildren(
        element('p', { className: 'threads-note', text: 'Your chats could not be loaded. Try again.' }),
      );
    }
  }

  close(): void {
    this.panel.hidden = true;
    this.toggle.setAttribute('aria-expanded', 'false');
  }

  private render(threads: readonly ThreadSummary[]): void {
    if (threads.length === 0) {
      this.panel.replaceChildren(element('p', { className: 'threads-note', text: 'No past chats yet.' }));
      return;
    }
    const current = this.handlers.current();
    const now = Date.now();
    const items = threads.map((thread) => {
      const button = element(
        'button',
        { className: 'thread', attributes: { type: 'button' } },
        element('span', { className: 'thread-title', text: thread.title }),
        element('span', { className: 'thread-meta', text: threadMetaText(thread, now) }),
      );
      if (thread.threadId === current) button.setAttribute('aria-current', 'true');
      button.addEventListener('click', () => {
        this.close();
        if (thread.threadId !== current) this.handlers.pick(thread.threadId);
        // The list goes away under the focus: the composer takes it, ready for the next message.
        this.handlers.focusAfterPick();
      });
      return element('li', {}, button);
    });
    this.panel.replaceChildren(element('ul', { className: 'threads-list' }, ...items));
    // Keyboard users land in the list, on the chat they are in; Escape takes them back to the toggle.
    (this.panel.querySelector<HTMLElement>('[aria-current="true"]') ?? this.panel.querySelector('button'))?.focus();
  }
}
