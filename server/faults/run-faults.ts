/**
 * Fault injection for the runs of a server started with AGENT_FAULTS=1: it
 * takes the `/fault …;` prefix off a message, hangs the run's agent when the
 * plan says so, and sends the run's events through the plan's filter (drop,
 * reorder, delay) by wrapping the event sink. The server only makes one when
 * faults are on, so a production server's events never pass through it.
 */
import type { RunEvent } from '../../protocol';
import type { Agent } from '../runtime/agent';
import type { EventSink } from '../runtime/event-sink';
import { createFaultFilter, type FaultPlan, parseFaultPrefix } from './fault-plan';
import { hangAfter } from './hanging-agent';

interface RunPlan {
  filter: (event: RunEvent) => RunEvent[];
  delayMs: number;
  /** Events held back by `delay` and not yet delivered. */
  holding: number;
  ended: boolean;
}

export class RunFaults {
  readonly #runs = new Map<string, RunPlan>();

  /** Splits a message into its fault plan and the rest; throws FaultPlanError for a bad prefix. */
  parse(text: string): { plan?: FaultPlan; text: string } {
    const fault = parseFaultPrefix(text);
    return fault ? { plan: fault.plan, text: fault.rest } : { text };
  }

  /** The agent a run with this plan runs. */
  agentFor(agent: Agent, plan: FaultPlan | undefined): Agent {
    return plan?.hangAfter === undefined ? agent : hangAfter(agent, plan.hangAfter);
  }

  /** Applies the plan to the run's events from now on. */
  attach(runId: string, plan: FaultPlan): void {
    this.#runs.set(runId, { filter: createFaultFilter(plan), delayMs: plan.delayMs ?? 0, holding: 0, ended: false });
  }

  /** The run has completed; its plan is dropped once its held-back events are out. */
  detach(runId: string): void {
    const run = this.#runs.get(runId);
    if (!run) return;
    run.ended = true;
    if (run.holding === 0) this.#runs.delete(runId);
  }

  /** Whether the run still has events of its own on the way (a delayed delivery). */
  isDelivering(runId: string): boolean {
    return this.#runs.has(runId);
  }

  /** The sink that sends each event through its run's plan before `sink` has it. */
  wrap(sink: EventSink): EventSink {
    return {
      recordThread: (threadId, ownerId) => sink.recordThread(threadId, ownerId),
      unavailable: () => sink.unavailable(),
      append: (event, frame, ownerId) =>
        this.#publish(event, (faulty) =>
          sink.append(faulty, faulty === event ? frame : JSON.stringify(faulty), ownerId),
        ),
    };
  }

  /** Sends one event of a run through its plan: now, later, out of order, or never. */
  #publish(event: RunEvent, deliver: (event: RunEvent) => void): void {
    const run = this.#runs.get(event.runId);
    if (!run) {
      deliver(event);
      return;
    }
    for (const faulty of run.filter(event)) {
      if (run.delayMs === 0) {
        deliver(faulty);
        continue;
      }
      run.holding += 1;
      setTimeout(() => {
        run.holding -= 1;
        deliver(faulty);
        if (run.ended && run.holding === 0) this.#runs.delete(event.runId);
      }, run.delayMs);
    }
  }
}
