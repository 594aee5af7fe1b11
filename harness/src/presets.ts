/**
 * UI map presets: where known pages draw a run. `chatPageUi` is this
 * project's own chat page (web/), whose accessibility contract is public.
 */
import type { UiMap } from './ui-map';

export const chatPageUi: UiMap = {
  turn: 'article.turn',
  runIdAttribute: 'data-run-id',
  answer: '.answer',
  answerFormat: 'markdown',
  seqAttribute: 'data-last-seq',
  thought: '.thoughts > li',
  toolCall: '[data-tool-call-id]',
  toolCallIdAttribute: 'data-tool-call-id',
  toolName: '.tool-name',
  toolArgs: '.tool-args',
  toolState: { attribute: 'data-state' },
  toolProgress: { selector: '[role="progressbar"]', attribute: 'aria-valuenow' },
  turnState: { attribute: 'data-run-state' },
  busy: '#stop:not([hidden])',
  stallIndicator: '#connection-banner',
  turnStallIndicator: '.run-liveness',
  stuckIndicator: '[data-liveness="stuck"]',
  elapsed: '.run-elapsed',
  agentName: '.agent-name',
  composer: { input: '#message', send: '#send', stop: '#stop' },
};
