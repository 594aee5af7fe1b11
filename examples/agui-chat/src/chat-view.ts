/**
 * The conversation on the page: user messages, and one assistant turn per
 * run with its reasoning, its text, its tool calls (each running, done or
 * failed), a status line while it runs and an error when it fails. A turn
 * ends once: the first of done / failed / stopped wins, so a late event cannot
 * turn a failed run into a successful one.
 */
type TurnState = 'running' | 'done' | 'error' | 'stopped';
type ToolState = 'running' | 'done' | 'error';

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function setState(node: HTMLElement, state: string, all: readonly string[]): void {
  for (const name of all) node.classList.toggle(`is-${name}`, name === state);
}

export class ConversationView {
  constructor(private readonly list: HTMLOListElement) {}

  addUserMessage(text: string): void {
    const item = element('li', 'message user');
    item.append(element('p', 'text', text));
    this.list.append(item);
    item.scrollIntoView({ block: 'end' });
  }

  addAssistantTurn(): AssistantTurn {
    const turn = new AssistantTurn();
    this.list.append(turn.element);
    return turn;
  }
}

export class AssistantTurn {
  readonly element = element('li', 'message assistant');
  #state: TurnState = 'running';
  readonly #status = element('p', 'status', 'Thinking…');
  readonly #reasoning = element('div', 'reasoning-list');
  readonly #answer = element('div', 'answer');
  readonly #tools = element('ul', 'tool-calls');
  readonly #error = element('p', 'error');
  readonly #paragraphs = new Map<string, HTMLParagraphElement>();
  readonly #thoughts = new Map<string, HTMLParagraphElement>();
  readonly #calls = new Map<string, HTMLLIElement>();

  constructor() {
    this.#status.setAttribute('role', 'status');
    this.#error.setAttribute('role', 'alert');
    this.#error.hidden = true;
    this.#tools.hidden = true;
    this.element.append(this.#status, this.#reasoning, this.#tools, this.#answer, this.#error);
    this.#setState('running');
  }

  showThought(messageId: string, text: string): void {
    let paragraph = this.#thoughts.get(messageId);
    if (!paragraph) {
      const details = element('details', 'reasoning');
      details.append(element('summary', '', 'Reasoning'));
      paragraph = element('p', 'reasoning-text');
      details.append(paragraph);
      this.#reasoning.append(details);
      this.#thoughts.set(messageId, paragraph);
    }
    paragraph.textContent = text;
  }

  showText(messageId: string, text: string): void {
    let paragraph = this.#paragraphs.get(messageId);
    if (!paragraph) {
      paragraph = element('p', 'text');
      this.#answer.append(paragraph);
      this.#paragraphs.set(messageId, paragraph);
    }
    paragraph.textContent = text;
    this.#status.textContent = 'Writing…';
    this.element.scrollIntoView({ block: 'end' });
  }

  startToolCall(id: string, name: string): void {
    const item = element('li', 'tool-call');
    item.append(element('span', 'tool-name', name), element('code', 'tool-args'), element('span', 'tool-status'));
    item.append(element('output', 'tool-result'));
    this.#tools.append(item);
    this.#tools.hidden = false;
    this.#calls.set(id, item);
    this.#setToolState(item, 'running');
    this.#status.textContent = `Running ${name}…`;
  }

  showToolArgs(id: string, args: string): void {
    const args_ = this.#calls.get(id)?.querySelector('.tool-args');
    if (args_) args_.textContent = args;
  }

  finishToolCall(id: string, result: string): void {
    const item = this.#calls.get(id);
    if (!item) return;
    const output = item.querySelector('.tool-result');
    if (output) output.textContent = result;
    this.#setToolState(item, result.startsWith('Error:') ? 'error' : 'done');
    this.#status.textContent = 'Thinking…';
  }

  finish(): void {
    this.#end('done');
  }

  fail(message: string): void {
    if (!this.#end('error')) return;
    this.#error.textContent = `The run failed: ${message}`;
    this.#error.hidden = false;
  }

  stop(): void {
    if (!this.#end('stopped')) return;
    this.#error.textContent = 'Stopped.';
    this.#error.hidden = false;
  }

  /** Ends the turn, once; tool calls still running then cannot finish any more. */
  #end(state: Exclude<TurnState, 'running'>): boolean {
    if (this.#state !== 'running') return false;
    this.#setState(state);
    this.#status.hidden = true;
    if (state !== 'done') {
      for (const item of this.#calls.values())
        if (item.classList.contains('is-running')) this.#setToolState(item, 'error');
    }
    return true;
  }

  #setState(state: TurnState): void {
    this.#state = state;
    setState(this.element, state, ['running', 'done', 'error', 'stopped']);
    this.element.setAttribute('aria-busy', String(state === 'running'));
  }

  #setToolState(item: HTMLLIElement, state: ToolState): void {
    setState(item, state, ['running', 'done', 'error']);
    const label = item.querySelector('.tool-status');
    if (label) label.textContent = state;
  }
}
