/**
 * The default agent: deterministic, no LLM and no network. It plans tool calls
 * from the user's text, thinks in steps, calls the real tools and streams an
 * answer composed from their results.
 */
import { MAX_USER_TEXT_LENGTH } from '../../protocol';
import type { Agent, AgentContext, ToolRequest } from '../runtime/agent';
import type { ToolOutcome } from '../runtime/tool-dispatcher';
import { findArithmetic } from '../tools/arithmetic-in-text';
import { wantsClock } from '../tools/clock';

export const DEFAULT_AGENT_NAME = 'assistant';

/** Pause between visible steps, so people can follow the run. */
export const DEFAULT_PACE_MS = 150;

export interface DefaultAgentOptions {
  /**
   * Pause between thinking steps; stream deltas pause a quarter of it.
   * @default DEFAULT_PACE_MS (150 ms)
   */
  paceMs?: number;
}

/**
 * The tool calls a message asks for; always at least one. Runs on the event loop, so its cost must
 * stay linear in the text: every scan below is, and the text is first capped at the protocol's
 * limit in case a caller bypasses the protocol.
 */
export function planToolCalls(message: string): ToolRequest[] {
  const text = message.length > MAX_USER_TEXT_LENGTH ? message.slice(0, MAX_USER_TEXT_LENGTH) : message;
  const calls: ToolRequest[] = [];
  const expression = findArithmetic(text);
  if (expression) calls.push({ toolName: 'calculator', args: { expression } });
  if (wantsClock(text)) calls.push({ toolName: 'clock', args: {} });
  if (calls.length === 0) calls.push({ toolName: 'docs_search', args: { query: text.slice(0, 500), limit: 3 } });
  return calls;
}

export function createDefaultAgent(options: DefaultAgentOptions = {}): Agent {
  const paceMs = options.paceMs ?? DEFAULT_PACE_MS;
  return {
    name: DEFAULT_AGENT_NAME,
    description: 'Answers with a calculator, the project docs and a clock; deterministic, no LLM.',
    async run(context) {
      const calls = planToolCalls(context.input);
      const totalSteps = 3;
      context.think('Reading your message', { totalSteps });
      await context.pause(paceMs);
      context.think(`Planning: ${calls.map(describeCall).join(', ')}`, { totalSteps });
      await context.pause(paceMs);
      const outcomes = await context.callTools(calls);
      context.think('Writing the answer', { totalSteps });
      await context.pause(paceMs);
      await streamWords(context, outcomes.map(composeAnswerPart).join('\n\n'), paceMs / 4);
    },
  };
}

function describeCall({ toolName, args }: ToolRequest): string {
  const record = (args ?? {}) as Record<string, unknown>;
  if (toolName === 'calculator') return `calculate ${String(record.expression)}`;
  if (toolName === 'clock') return 'read the clock';
  return 'search the project docs';
}

/** One paragraph of the answer per tool outcome. Results are typed loosely: they crossed a JSON boundary. */
export function composeAnswerPart(outcome: ToolOutcome): string {
  if (!outcome.ok) return `The ${outcome.toolName} tool failed: ${outcome.error}.`;
  const result = (outcome.result ?? {}) as Record<string, unknown>;
  switch (outcome.toolName) {
    case 'calculator':
      return `${String(result.expression)} = ${String(result.value)}`;
    case 'clock':
      return `It is ${String(result.local)} (${String(result.iso)}).`;
    case 'docs_search': {
      const hits = Array.isArray(result.hits) ? (result.hits as Record<string, unknown>[]) : [];
      if (hits.length === 0) return `I found nothing in the project docs about "${String(result.query)}".`;
      const lines = hits.map((hit) => `• ${String(hit.path)} › ${String(hit.heading)}: ${String(hit.snippet)}`);
      return ['From the project docs:', ...lines].join('\n');
    }
    default:
      return `${outcome.toolName}: ${JSON.stringify(outcome.result)}`;
  }
}

async function streamWords(context: AgentContext, text: string, pauseMs: number): Promise<void> {
  // Cannot backtrack: `\S+` and `\s*` take disjoint characters and nothing follows them, so one greedy pass.
  const words = text.match(/\S+\s*/g) ?? [];
  for (const [index, word] of words.entries()) {
    context.stream(word);
    if (pauseMs > 0 && index < words.length - 1) await context.pause(pauseMs);
  }
}
