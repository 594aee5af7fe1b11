/**
 * @agent-event-harness/playwright: prove, in a real browser, that every agent
 * event reaches your chat page and is drawn. Pick your protocol's adapter,
 * map your page with a few selectors, and use the `test` and `expect` that
 * `createHarness` returns.
 */
export type { EventOf, RunEvent, RunEventType, ViolationCode } from '../../protocol';
export {
  checkRunLifecycle,
  formatViolations,
  isKeepAlive,
  isRunEvent,
  parseTrace,
  RUN_EVENT_TYPES,
  serializeTrace,
  VIOLATION_CODES,
} from '../../protocol';
export type { AdapterResult, CapturedFrame, HarnessViolation, ProtocolAdapter } from './adapters/adapter';
export { AGUI_VIOLATION_CODES, type AguiProtocolOptions, type AguiViolationCode, aguiProtocol } from './adapters/agui';
export {
  AI_SDK_VIOLATION_CODES,
  type AiSdkProtocolOptions,
  type AiSdkViolationCode,
  aiSdkProtocol,
} from './adapters/ai-sdk';

export { ourProtocol } from './adapters/ours';
export type { PageCommit, ToolCallCommit, TurnCommit } from './capture/commits';
export type { FrozenCheckOptions } from './checks/frozen-check';
export type { LagEntry } from './checks/render-lag';
export type { ExpectedViolation } from './checks/violation-expectations';
export { CHROMIUM_ARGS, chromiumLaunchOptions, isHeadedRun, resolveChromium } from './chromium';
export {
  attachRunReports,
  checkRuns,
  createHarness,
  type Harness,
  type HarnessFixtures,
  type HarnessOptions,
} from './fixtures';
export { expect, type HarnessExpect, type HarnessMatchers } from './matchers';
export { chatPageUi } from './presets';
export { AgentRuns, type HarnessTurn, type RunView } from './runs';
export type { StateReader, ToolCallState, TurnState, UiMap } from './ui-map';
