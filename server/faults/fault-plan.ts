/**
 * Fault switches (AGENT_FAULTS=1 only): make one run's event stream broken on
 * purpose, so the harness can prove it notices. A message starting with
 * `/fault <switches>;` runs the rest of the message with those faults, e.g.
 * `/fault suppress=tool_completed; /scenario basic`.
 *
 * Switches:
 * - `suppress=<type>`: never send events of that type.
 * - `stop-after=<n>`: send only the run's first n events.
 * - `swap=<n>`: send the run's event n+1 before event n.
 * - `delay=<ms>`: hold every event of the run back by ms.
 * - `crash-tool`: a tool call never reports its tool_completed.
 * - `hang-after=<n>`: the agent stops after n actions and never returns, as
 *   one awaiting a call that never answers; the runtime keeps the run alive
 *   with keep-alives, and a cancel still ends it (see hanging-agent.ts).
 */
import { RUN_EVENT_TYPES, type RunEvent, type RunEventType } from '../../protocol';

const FAULT_COMMAND = '/fault';

export interface FaultPlan {
  suppress?: RunEventType;
  stopAfter?: number;
  swap?: number;
  delayMs?: number;
  hangAfter?: number;
}

export class FaultPlanError extends Error {
  override name = 'FaultPlanError';
}

/** Splits `/fault a=1 b; rest` into the plan and `rest`; undefined when the text has no fault prefix. */
export function parseFaultPrefix(text: string): { plan: FaultPlan; rest: string } | undefined {
  if (!text.startsWith(`${FAULT_COMMAND} `)) return undefined;
  const end = text.indexOf(';');
  if (end === -1) throw new FaultPlanError('a fault prefix ends with ";", e.g. "/fault suppress=tool_completed; hi"');
  const plan: FaultPlan = {};
  for (const word of text.slice(FAULT_COMMAND.length, end).trim().split(/\s+/).filter(Boolean)) {
    const [key, value = ''] = word.split('=', 2) as [string, string | undefined];
    const count = Number(value);
    if (key === 'suppress' && (RUN_EVENT_TYPES as readonly string[]).includes(value)) {
      plan.suppress = value as RunEventType;
    } else if (key === 'crash-tool') plan.suppress = 'tool_completed';
    else if (key === 'stop-after' && Number.isInteger(count) && count >= 0) plan.stopAfter = count;
    else if (key === 'swap' && Number.isInteger(count) && count >= 1) plan.swap = count;
    else if (key === 'delay' && Number.isInteger(count) && count >= 0 && count <= 60_000) plan.delayMs = count;
    else if (key === 'hang-after' && Number.isInteger(count) && count >= 0) plan.hangAfter = count;
    else throw new FaultPlanError(`unknown fault switch "${word}"`);
  }
  return { plan, rest: text.slice(end + 1).trim() };
}

/**
 * Applies a plan to one run's events, in emit order: returns the events to
 * send now, in the order to send them.
 */
export function createFaultFilter(plan: FaultPlan): (event: RunEvent) => RunEvent[] {
  let index = 0;
  let held: RunEvent | undefined;
  return (event) => {
    index += 1;
    if (plan.stopAfter !== undefined && index > plan.stopAfter) return [];
    if (plan.suppress === event.type) return [];
    if (plan.swap !== undefined) {
      if (index === plan.swap) {
        held = event;
        return [];
      }
      if (held && index === plan.swap + 1) {
        const out = [event, held];
        held = undefined;
        return out;
      }
    }
    return [event];
  };
}
