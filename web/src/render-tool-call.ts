/**
 * Keyed DOM view of one tool call, a card: collapsed, its name, a summary of
 * its arguments, its state (icon and text, never colour alone), a progress
 * bar while it runs, then its duration or error; a button (or Enter/Space on
 * it) expands the arguments and the result as JSON.
 */
import { element } from './dom';
import type { PageFaults } from './page-faults';
import { renderDetails } from './tool-details';
import type { ToolCall } from './turn';
import { toolArgsText, toolDetailText, toolStateIcon } from './view-text';

let detailsIds = 0;

const toolStateLabel = { running: 'running', success: 'succeeded', error: 'failed' } as const;
/** The full arguments go in the title, within reason. */
const MAX_ARGS_TITLE = 2_000;

export class ToolCallView {
  readonly item: HTMLLIElement;
  private readonly icon = element('span', { className: 'tool-icon', attributes: { 'aria-hidden': 'true' } });
  private readonly stateLabel = element('span', { className: 'visually-hidden' });
  private readonly detail = element('span', { className: 'tool-detail' });
  private readonly ordinal = element('span', { className: 'tool-ordinal' });
  private readonly toggle = element('button', { className: 'tool-toggle', attributes: { type: 'button' } });
  private readonly details = element('div', { className: 'tool-details' });
  private progressBar: HTMLDivElement | undefined;
  private progressFill: HTMLDivElement | undefined;
  private rendered: ToolCall | undefined;

  constructor(
    call: ToolCall,
    private readonly faults: PageFaults,
  ) {
    const name = element('span', { className: 'tool-name', text: call.toolName });
    const argsText = faults.has('no-tool-args') ? '' : toolArgsText(call.args);
    const args = element('code', { className: 'tool-args', text: argsText });
    args.hidden = argsText === '';
    if (argsText) args.title = (JSON.stringify(call.args) ?? '').slice(0, MAX_ARGS_TITLE);
    const title = element('span', { className: 'tool-title' }, name, this.ordinal);
    this.ordinal.hidden = true;
    const id = ++detailsIds;
    this.details.id = `tool-details-${id}`;
    title.id = `tool-title-${id}`;
    this.toggle.setAttribute('aria-describedby', title.id);
    this.details.hidden = true;
    this.toggle.setAttribute('aria-controls', this.details.id);
    this.toggle.setAttribute('aria-expanded', 'false');
    this.toggle.addEventListener('click', () => this.setExpanded(this.details.hidden));
    this.item = element(
      'li',
      { className: 'tool-call' },
      this.icon,
      title,
      args,
      this.stateLabel,
      this.detail,
      this.toggle,
      this.details,
    );
    this.item.dataset.toolCallId = call.toolCallId;
    this.update(call);
  }

  /** Tells apart calls of one tool in a turn: `#2` of `3`; undefined when the tool is called once. */
  setOrdinal(ordinal: number | undefined): void {
    const text = ordinal === undefined ? '' : `#${ordinal}`;
    if (this.ordinal.textContent !== text) this.ordinal.textContent = text;
    this.ordinal.hidden = ordinal === undefined;
    this.updateToggleLabel();
  }

  private setExpanded(expanded: boolean): void {
    this.details.hidden = !expanded;
    this.toggle.setAttribute('aria-expanded', String(expanded));
    this.item.classList.toggle('tool-call-expanded', expanded);
    if (expanded && this.rendered) renderDetails(this.details, this.rendered);
    this.updateToggleLabel();
  }

  // The name stays fixed (a tool's name in it could clash with "Send" or "Stop"); the title describes it.
  private updateToggleLabel(): void {
    const label = this.details.hidden ? 'Details' : 'Hide details';
    if (this.toggle.textContent !== label) this.toggle.textContent = label;
  }

  update(next: ToolCall): void {
    const call = this.faults.has('no-tool-completion') ? { ...next, state: 'running' as const } : next;
    if (next === this.rendered) return;
    if (call.state !== this.item.dataset.state) {
      this.item.dataset.state = call.state;
      this.icon.textContent = toolStateIcon[call.state];
      this.stateLabel.textContent = ` ${toolStateLabel[call.state]}: `;
    }
    this.detail.textContent = toolDetailText(
      this.faults.has('no-tool-progress') ? { ...call, progress: undefined } : call,
    );
    if (!this.faults.has('no-tool-progress')) this.updateProgress(call);
    this.rendered = next;
    if (!this.details.hidden) renderDetails(this.details, next);
    this.updateToggleLabel();
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
      this.toggle.before(this.progressBar);
    }
    const percent = Math.round(call.progress * 100);
    this.progressBar.setAttribute('aria-valuenow', String(percent));
    if (call.progressMessage) this.progressBar.setAttribute('aria-valuetext', `${percent}% · ${call.progressMessage}`);
    if (this.progressFill) this.progressFill.style.width = `${percent}%`;
  }
}
