/**
 * Keyed, incremental DOM view of one turn: the elements are created once and
 * each update touches only what changed since the turn was last rendered.
 */
import type { Violation } from '../../protocol/lifecycle';
import { element, setData } from './dom';
import type { Thought, ToolCall, Turn } from './turn';
import { thoughtStepText, toolDetailText, toolStateIcon, turnStatusText, violationText } from './view-text';

const toolStateLabel = { running: 'running', success: 'succeeded', error: 'failed' } as const;
const MAX_ARGS_PREVIEW = 300;

function argsPreview(args: unknown): string {
  if (args === undefined) return '';
  const json = JSON.stringify(args) ?? '';
  return json.length > MAX_ARGS_PREVIEW ? `${json.slice(0, MAX_ARGS_PREVIEW)}…` : json;
}

class ToolCallView {
  readonly item: HTMLLIElement;
  private readonly icon = element('span', { className: 'tool-icon', attributes: { 'aria-hidden': 'true' } });
  private readonly stateLabel = element('span', { className: 'visually-hidden' });
  private readonly detail = element('span', { className: 'tool-detail' });
  private progressBar: HTMLDivElement | undefined;
  private progressFill: HTMLDivElement | undefined;
  private rendered: ToolCall | undefined;

  constructor(call: ToolCall) {
    const name = element('span', { className: 'tool-name', text: call.toolName });
    const args = argsPreview(call.args);
    if (args) name.title = args;
    this.item = element('li', { className: 'tool-call' }, this.icon, name, this.stateLabel, this.detail);
    this.item.dataset.toolCallId = call.toolCallId;
    this.update(call);
  }

  update(call: ToolCall): void {
    if (call === this.rendered) return;
    if (call.state !== this.rendered?.state) {
      this.item.dataset.state = call.state;
      this.icon.textContent = toolStateIcon[call.state];
      this.stateLabel.textContent = ` ${toolStateLabel[call.state]}: `;
    }
    this.detail.textContent = toolDetailText(call);
    this.updateProgress(call);
    this.rendered = call;
  }

  private updateProgress(call: ToolCall): void {
    if (call.state !== 'running' || call.progress === undefined) {
      this.progressBar?.remove();
      this.progressBar = undefined;
      return;
    }
    if (!this.progressBar) {
      this.progressFill = element('div', { className: 'tool-progress-fill' });
      this.progressBar = element(
        'div',
        {
          className: 'tool-progress',
          attributes: { role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' },
        },
        this.progressFill,
      );
      this.progressBar.setAttribute('aria-label', `${call.toolName} progress`);
      this.item.append(this.progressBar);
    }
    const percent = Math.round(call.progress * 100);
    this.progressBar.setAttribute('aria-valuenow', String(percent));
    if (call.progressMessage) this.progressBar.setAttribute('aria-valuetext', `${percent}% · ${call.progressMessage}`);
    if (this.progressFill) this.progressFill.style.width = `${percent}%`;
  }
}

function thoughtItem(thought: Thought): HTMLLIElement {
  const step = element('span', { className: 'thought-step', text: thoughtStepText(thought) });
  return element('li', { className: 'thought' }, step, document.createTextNode(` ${thought.text}`));
}

export class TurnView {
  readonly element: HTMLElement;
  private readonly agentBody: HTMLDivElement;
  private readonly meta: HTMLDivElement;
  private readonly agentName = element('span', { className: 'agent-name', text: 'Agent' });
  private readonly status = element('p', { className: 'run-status', attributes: { role: 'status' } });
  // The status line shows only the latest thought and may skip one between two frames; this list keeps each.
  private thoughtList: HTMLOListElement | undefined;
  private toolList: HTMLUListElement | undefined;
  private readonly toolViews = new Map<string, ToolCallView>();
  private answer: HTMLDivElement | undefined;
  private answerText: Text | undefined;
  private violationsAlert: HTMLDivElement | undefined;
  private statusText = '';
  private rendered: Turn | undefined;

  constructor(turn: Turn) {
    const userMessage = element('div', { className: 'user-message' }, element('p', { text: turn.userText }));
    const avatar = element('div', { className: 'agent-avatar', text: 'A', attributes: { 'aria-hidden': 'true' } });
    this.meta = element('div', { className: 'agent-meta' }, this.agentName, this.status);
    this.agentBody = element('div', { className: 'agent-body' }, this.meta);
    this.element = element(
      'article',
      { className: 'turn' },
      userMessage,
      element('div', { className: 'agent' }, avatar, this.agentBody),
    );
    this.element.dataset.clientMessageId = turn.clientMessageId;
    this.update(turn);
  }

  update(turn: Turn): void {
    const previous = this.rendered;
    if (turn === previous) return;
    setData(this.element, 'runId', turn.runId);
    setData(this.element, 'runState', turn.state);
    const statusText = turnStatusText(turn);
    if (statusText !== this.statusText) {
      this.status.textContent = statusText;
      this.statusText = statusText;
    }
    if (turn.agentName !== undefined && turn.agentName !== previous?.agentName) {
      this.agentName.textContent = turn.agentName;
    }
    if (turn.thoughts !== previous?.thoughts) this.updateThoughts(turn.thoughts);
    if (turn.toolCalls !== previous?.toolCalls) this.updateToolCalls(turn.toolCalls);
    if (turn.text !== (previous?.text ?? '')) this.updateAnswer(turn.text);
    if (turn.violations !== previous?.violations) this.updateViolations(turn.violations ?? []);
    this.rendered = turn;
  }

  // Thoughts are only ever appended.
  private updateThoughts(thoughts: readonly Thought[]): void {
    if (thoughts.length === 0) return;
    if (!this.thoughtList) {
      this.thoughtList = element('ol', { className: 'thoughts', attributes: { 'aria-label': 'Thoughts' } });
      this.meta.after(this.thoughtList);
    }
    const shown = this.thoughtList.childElementCount;
    this.thoughtList.append(...thoughts.slice(shown).map(thoughtItem));
  }

  private updateToolCalls(calls: readonly ToolCall[]): void {
    if (calls.length === 0) return;
    if (!this.toolList) {
      this.toolList = element('ul', { className: 'tool-calls', attributes: { 'aria-label': 'Tool calls' } });
      this.agentBody.insertBefore(this.toolList, this.answer ?? this.violationsAlert ?? null);
    }
    for (const call of calls) {
      const view = this.toolViews.get(call.toolCallId);
      if (view) {
        view.update(call);
      } else {
        const created = new ToolCallView(call);
        this.toolViews.set(call.toolCallId, created);
        this.toolList.append(created.item);
      }
    }
  }

  // The answer only ever grows, so append the new tail to one text node instead of rebuilding it.
  private updateAnswer(text: string): void {
    if (!this.answer || !this.answerText) {
      this.answerText = document.createTextNode('');
      this.answer = element('div', { className: 'answer' }, this.answerText);
      this.agentBody.insertBefore(this.answer, this.violationsAlert ?? null);
    }
    const shown = this.answerText.length;
    if (text.length > shown) this.answerText.appendData(text.slice(shown));
    else this.answerText.data = text;
  }

  private updateViolations(violations: readonly Violation[]): void {
    if (violations.length === 0) {
      this.violationsAlert?.remove();
      this.violationsAlert = undefined;
      return;
    }
    if (!this.violationsAlert) {
      this.violationsAlert = element('div', { className: 'violations', attributes: { role: 'alert' } });
      this.agentBody.append(this.violationsAlert);
    }
    this.violationsAlert.replaceChildren(...violations.map((v) => element('p', { text: violationText(v) })));
  }
}
