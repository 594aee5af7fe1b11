/**
 * Keyed, incremental DOM view of one turn: the elements are created once and
 * each update touches only what changed since the turn was last rendered.
 */
import type { Violation } from '../../protocol';
import { element, setData } from './dom';
import { eventLogToArray } from './event-log';
import type { LivenessSettings } from './liveness';
import { turnLiveness } from './liveness';
import { MarkdownView } from './markdown-view';
import { NO_PAGE_FAULTS, type PageFaults } from './page-faults';
import { ToolCallView } from './render-tool-call';
import type { Thought, ToolCall, Turn } from './turn';
import {
  avatarOf,
  elapsedText,
  livenessNoticeText,
  outcomeCardText,
  reasoningSummaryText,
  thoughtStepText,
  turnLabel,
  turnStatusText,
  violationText,
} from './view-text';

function thoughtItem(thought: Thought): HTMLLIElement {
  const step = element('span', { className: 'thought-step', text: thoughtStepText(thought) });
  return element('li', { className: 'thought' }, step, document.createTextNode(` ${thought.text}`));
}

/** What a view needs besides the turn: the clock and thresholds of liveness, and the page's fault switches. */
export interface TurnViewContext {
  now: number;
  liveness: LivenessSettings;
  faults: PageFaults;
}

const NO_CONTEXT: TurnViewContext = {
  now: 0,
  liveness: { quietAfterMs: Infinity, stuckAfterMs: Infinity, stopTimeoutMs: Infinity },
  faults: NO_PAGE_FAULTS,
};

const faultyFinalState = (turn: Turn, faults: PageFaults): string =>
  faults.has('wrong-final-state') && turn.state !== 'pending' && turn.state !== 'running' ? 'completed' : turn.state;

export class TurnView {
  readonly element: HTMLElement;
  private readonly agentBody: HTMLDivElement;
  private readonly meta: HTMLDivElement;
  private readonly agentName = element('span', { className: 'agent-name', text: 'Agent' });
  // role=status is the page's public contract; aria-live=off keeps one live region (the page's announcer), not one per turn.
  private readonly status = element('p', {
    className: 'run-status',
    attributes: { role: 'status', 'aria-live': 'off' },
  });
  private readonly elapsed = element('span', { className: 'run-elapsed' });
  private readonly avatar = element('div', {
    className: 'agent-avatar',
    text: 'A',
    attributes: { 'aria-hidden': 'true' },
  });
  private notice: HTMLParagraphElement | undefined;
  // The status line shows only the latest thought and may skip one between two frames; this list keeps each.
  private thoughtList: HTMLOListElement | undefined;
  // The thoughts sit in a disclosure: open while the run goes, closed once (to "Thought for 1.2 s") when it ends.
  private reasoning: HTMLDetailsElement | undefined;
  private reasoningSummary: HTMLElement | undefined;
  private reasoningClosed = false;
  private toolList: HTMLUListElement | undefined;
  private readonly toolViews = new Map<string, ToolCallView>();
  private answer: MarkdownView | undefined;
  private violationsAlert: HTMLDivElement | undefined;
  private outcome: HTMLDivElement | undefined;
  private statusText = '';
  private rendered: Turn | undefined;

  constructor(
    turn: Turn,
    private context: TurnViewContext = NO_CONTEXT,
  ) {
    const userMessage = element('div', { className: 'user-message' }, element('p', { text: turn.userText }));
    this.elapsed.hidden = true;
    this.meta = element('div', { className: 'agent-meta' }, this.agentName, this.status, this.elapsed);
    this.agentBody = element('div', { className: 'agent-body' }, this.meta);
    this.element = element(
      'article',
      { className: 'turn' },
      userMessage,
      element('div', { className: 'agent' }, this.avatar, this.agentBody),
    );
    this.element.dataset.clientMessageId = turn.clientMessageId;
    this.element.setAttribute('aria-label', turnLabel(undefined));
    this.update(turn, context);
  }

  update(turn: Turn, context: TurnViewContext = this.context): void {
    this.context = context;
    this.updateLiveness(turn);
    const previous = this.rendered;
    if (turn === previous) return;
    const { faults } = context;
    setData(this.element, 'runId', turn.runId);
    setData(this.element, 'runState', faultyFinalState(turn, faults));
    // What the harness reads to know which events a commit drew: progress and completion can share a frame.
    setData(this.element, 'lastSeq', turn.lastSeq === undefined ? undefined : String(turn.lastSeq));
    const statusText = turnStatusText(turn);
    if (statusText !== this.statusText) {
      this.status.textContent = statusText;
      this.statusText = statusText;
    }
    if (turn.agentName !== undefined && turn.agentName !== previous?.agentName && !faults.has('no-agent-name')) {
      this.agentName.textContent = turn.agentName;
      this.element.setAttribute('aria-label', turnLabel(turn.agentName));
      const look = avatarOf(turn.agentName);
      this.avatar.textContent = look.letter;
      this.avatar.style.setProperty('--avatar-hue', String(look.hue));
    }
    if (turn.thoughts !== previous?.thoughts || turn.keepAlives !== previous?.keepAlives) this.updateThoughts(turn);
    if (turn.state !== previous?.state || turn.thoughts !== previous?.thoughts) this.updateReasoning(turn);
    if (turn.toolCalls !== previous?.toolCalls) this.updateToolCalls(turn.toolCalls);
    if (turn.text !== (previous?.text ?? '')) this.updateAnswer(turn);
    if (turn.violations !== previous?.violations) this.updateViolations(turn.violations ?? []);
    if (turn.state !== previous?.state || turn.error !== previous?.error) this.updateOutcome(turn);
    this.rendered = turn;
  }

  /** Elapsed time and the no-progress notice of a running turn; both go away when it ends. */
  private updateLiveness(turn: Turn): void {
    const { now, liveness: settings, faults } = this.context;
    const liveness = turnLiveness(turn, now, settings);
    setData(this.element, 'liveness', liveness?.level);
    const elapsed = liveness && !faults.has('no-elapsed') ? elapsedText(liveness) : '';
    if (this.elapsed.textContent !== elapsed) this.elapsed.textContent = elapsed;
    this.elapsed.hidden = elapsed === '';
    const notice = liveness && livenessNoticeText(liveness, settings.stuckAfterMs);
    if (notice === undefined) {
      this.notice?.remove();
      this.notice = undefined;
      return;
    }
    const role = liveness?.level === 'stuck' ? 'alert' : null;
    if (!this.notice) {
      this.notice = element('p', { className: 'run-liveness' });
      this.meta.after(this.notice);
    }
    // The stuck notice is an alert, read out once; the quiet one ticks every second, so it is not a live region.
    if (this.notice.getAttribute('role') !== role) {
      if (role) this.notice.setAttribute('role', role);
      else this.notice.removeAttribute('role');
    }
    if (this.notice.textContent !== notice) this.notice.textContent = notice;
  }

  // Thoughts are only ever appended.
  private updateThoughts(turn: Turn): void {
    const { faults } = this.context;
    if (faults.has('no-thought-trail')) return;
    const last = turn.thoughts.at(-1);
    // The fault draws each keep-alive as a repeat of the current thought, as a page unaware of the flag would.
    const thoughts =
      faults.has('keepalive-in-trail') && last
        ? [...turn.thoughts, ...Array.from({ length: turn.keepAlives }, () => last)]
        : turn.thoughts;
    if (thoughts.length === 0) return;
    if (!this.thoughtList) {
      this.thoughtList = element('ol', { className: 'thoughts', attributes: { 'aria-label': 'Thoughts' } });
      this.reasoningSummary = element('summary', { className: 'reasoning-summary' });
      this.reasoning = element('details', { className: 'reasoning' }, this.reasoningSummary, this.thoughtList);
      this.reasoning.open = true;
      (this.notice ?? this.meta).after(this.reasoning);
    }
    const shown = this.thoughtList.childElementCount;
    this.thoughtList.append(...thoughts.slice(shown).map(thoughtItem));
  }

  private updateReasoning(turn: Turn): void {
    if (!this.reasoning || !this.reasoningSummary) return;
    const running = turn.state === 'pending' || turn.state === 'running';
    const summary = reasoningSummaryText(running, eventLogToArray(turn.events));
    if (this.reasoningSummary.textContent !== summary) this.reasoningSummary.textContent = summary;
    if (!running && !this.reasoningClosed) {
      this.reasoningClosed = true;
      this.reasoning.open = false;
    }
  }

  private updateToolCalls(calls: readonly ToolCall[]): void {
    if (calls.length === 0) return;
    if (!this.toolList) {
      this.toolList = element('ul', { className: 'tool-calls', attributes: { 'aria-label': 'Tool calls' } });
      this.agentBody.insertBefore(this.toolList, this.answer?.element ?? this.violationsAlert ?? null);
    }
    const callsOf = new Map<string, number>();
    for (const call of calls) callsOf.set(call.toolName, (callsOf.get(call.toolName) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const call of calls) {
      let view = this.toolViews.get(call.toolCallId);
      if (view) {
        view.update(call);
      } else {
        view = new ToolCallView(call, this.context.faults);
        this.toolViews.set(call.toolCallId, view);
        this.toolList.append(view.item);
      }
      const ordinal = (seen.get(call.toolName) ?? 0) + 1;
      seen.set(call.toolName, ordinal);
      view.setOrdinal((callsOf.get(call.toolName) ?? 0) > 1 ? ordinal : undefined);
    }
  }

  // Markdown, rebuilt block by block: only the last, growing block is parsed again on each commit.
  private updateAnswer(turn: Turn): void {
    if (!this.answer) {
      this.answer = new MarkdownView(element('div', { className: 'answer' }));
      this.agentBody.insertBefore(this.answer.element, this.violationsAlert ?? this.outcome ?? null);
    }
    this.answer.show(this.context.faults.has('drop-repeated-delta') ? withoutRepeatedDeltas(turn) : turn.text);
  }

  /** A failed, stopped or interrupted run ends in a card that says so, with Retry (handled by the composer). */
  private updateOutcome(turn: Turn): void {
    const text = outcomeCardText(turn);
    if (!text) {
      this.outcome?.remove();
      this.outcome = undefined;
      return;
    }
    const retry = element('button', { className: 'button retry', text: 'Retry', attributes: { type: 'button' } });
    retry.dataset.retryFor = turn.clientMessageId;
    const card = element(
      'div',
      { className: `run-outcome run-outcome-${turn.state}` },
      element('p', { className: 'run-outcome-title', text: text.title }),
      ...(text.reason ? [element('p', { className: 'run-outcome-reason', text: text.reason })] : []),
      retry,
    );
    if (this.outcome) this.outcome.replaceWith(card);
    else this.agentBody.append(card);
    this.outcome = card;
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

/** The answer as a page that drops a delta equal to the one before it would draw it (fault `drop-repeated-delta`). */
function withoutRepeatedDeltas(turn: Turn): string {
  const deltas = eventLogToArray(turn.events).flatMap((event) =>
    event.type === 'partial_result' ? [event.payload.delta] : [],
  );
  return deltas.filter((delta, index) => delta !== deltas[index - 1]).join('');
}
