/**
 * Keyed DOM view of one tool call: its name and arguments, its state (icon and
 * text, never colour alone), a progress bar while it runs, then its duration
 * or error.
 */
import { element } from './dom';
import type { PageFaults } from './page-faults';
import type { ToolCall } from './turn';
import { toolArgsText, toolDetailText, toolStateIcon } from './view-text';

const toolStateLabel = { running: 'running', success: 'succeeded', error: 'failed' } as const;
/** The full arguments go in the title, within reason. */
const MAX_ARGS_TITLE = 2_000;

export class ToolCallView {
  readonly item: HTMLLIElement;
  private readonly icon = element('span', { className: 'tool-icon', attributes: { 'aria-hidden': 'true' } });
  private readonly stateLabel = element('span', { className: 'visually-hidden' });
  private readonly detail = element('span', { className: 'tool-detail' });
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
    this.item = element('li', { className: 'tool-call' }, this.icon, name, args, this.stateLabel, this.detail);
    this.item.dataset.toolCallId = call.toolCallId;
    this.update(call);
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
