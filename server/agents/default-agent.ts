/**
 * The default agent: deterministic, no LLM and no network. It plans tool calls
 * from the user's text, thinks in steps, calls the real tools and streams an
 * answer composed from their results; greetings and questions about itself
 * it answers without a tool.
 */
import { MAX_USER_TEXT_LENGTH } from '../../protocol';
import type { Agent, AgentContext, ToolRequest } from '../runtime/agent';
import type { ToolOutcome } from '../runtime/tool-dispatcher';
import { findArithmetic } from '../tools/arithmetic-in-text';
import { wantsClock } from '../tools/clock';
import { findTimeZone, placeName } from '../tools/time-zones';
import { findSmallTalk, type SmallTalk, smallTalkAnswer } from './small-talk';

const DEFAULT_AGENT_NAME = 'assistant';

/** Pause between visible steps, so people can follow the run. */
export const DEFAULT_PACE_MS = 150;

export interface DefaultAgentOptions {
  /**
   * Pause between thinking steps; stream deltas pause a quarter of it.
   * @default DEFAULT_PACE_MS (150 ms)
   */
  paceMs?: number;
}

/** What the agent will do for a message: call tools, or answer small talk without any. */
export type Plan = { kind: 'tools'; calls: ToolRequest[] } | { kind: 'small_talk'; talk: SmallTalk };

/**
 * The plan for a message. Runs on the event loop, so its cost must stay linear in the text: every
 * scan below is, and the text is first capped at the protocol's limit in case a caller bypasses
 * the protocol.
 */
export function planMessage(message: string): Plan {
  const text = message.length > MAX_USER_TEXT_LENGTH ? message.slice(0, MAX_USER_TEXT_LENGTH) : message;
  // Small talk first: it must be the whole message, so "hi, what is 2+2?" is never small talk, while
  // "how are you today?" is, rather than a clock question.
  const talk = findSmallTalk(text);
  if (talk) return { kind: 'small_talk', talk };
  const calls: ToolRequest[] = [];
  const expression = findArithmetic(text);
  if (expression) calls.push({ toolName: 'calculator', args: { expression } });
  if (wantsClock(text)) {
    const timeZone = findTimeZone(text);
    calls.push({ toolName: 'clock', args: timeZone ? { timeZone } : {} });
  }
  if (calls.length === 0) calls.push({ toolName: 'docs_search', args: { query: text.slice(0, 500), limit: 3 } });
  return { kind: 'tools', calls };
}

/** The tool calls a message asks for: at least one, or none for small talk. */
export function planToolCalls(message: string): ToolRequest[] {
  const plan = planMessage(message);
  return plan.kind === 'tools' ? plan.calls : [];
}

export function createDefaultAgent(options: DefaultAgentOptions = {}): Agent {
  const paceMs = options.paceMs ?? DEFAULT_PACE_MS;
  return {
    name: DEFAULT_AGENT_NAME,
    description: 'Answers with a calculator, the project docs and a clock; deterministic, no LLM.',
    async run(context) {
      const plan = planMessage(context.input);
      // The same three steps either way, so the trail reads "1/3 … 3/3" whatever the message.
      const totalSteps = 3;
      context.think('Reading your message', { totalSteps });
      await context.pause(paceMs);
      if (plan.kind === 'small_talk') {
        const intent = plan.talk.greeting ? 'say hello and what I can do' : 'say what I can do';
        context.think(`Planning: ${intent}, no tool needed`, { totalSteps });
        await context.pause(paceMs);
        context.think('Writing the answer', { totalSteps });
        await context.pause(paceMs);
        await streamWords(context, smallTalkAnswer(plan.talk), paceMs / 4);
        return;
      }
      context.think(`Planning: ${plan.calls.map(describeCall).join(', ')}`, { totalSteps });
      await context.pause(paceMs);
      const outcomes = await context.callTools(plan.calls);
      context.think('Writing the answer', { totalSteps });
      await context.pause(paceMs);
      const parts = outcomes.map((outcome, i) => composeAnswerPart(outcome, plan.calls[i]));
      await streamWords(context, parts.join('\n\n'), paceMs / 4);
    },
  };
}

/** The time zone a clock call's args ask for, if any. */
function timeZoneOf(args: unknown): string | undefined {
  const timeZone = (args as Record<string, unknown> | undefined)?.timeZone;
  return typeof timeZone === 'string' ? timeZone : undefined;
}

function describeCall({ toolName, args }: ToolRequest): string {
  const record = (args ?? {}) as Record<string, unknown>;
  if (toolName === 'calculator') return `calculate ${String(record.expression)}`;
  if (toolName === 'clock') return record.timeZone ? `read the clock in ${String(record.timeZone)}` : 'read the clock';
  return 'search the project docs';
}

/**
 * One paragraph of the answer per tool outcome; `request` is the call it answers, which names the
 * place a clock was read for. Results are typed loosely: they crossed a JSON boundary.
 */
export function composeAnswerPart(outcome: ToolOutcome, request?: ToolRequest): string {
  if (!outcome.ok) return `The ${outcome.toolName} tool failed: ${outcome.error}.`;
  const result = (outcome.result ?? {}) as Record<string, unknown>;
  switch (outcome.toolName) {
    case 'calculator':
      return `${String(result.expression)} = ${String(result.value)}`;
    case 'clock': {
      // The place as asked (`Asia/Kolkata` → Kolkata), not as the runtime renames it (`Asia/Calcutta`).
      const timeZone = timeZoneOf(request?.args);
      if (timeZone) return `In ${placeName(timeZone)} it is ${String(result.local)}.`;
      return `It is ${String(result.local)} (${String(result.iso)}).`;
    }
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
