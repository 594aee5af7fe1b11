/**
 * Assembles streamed tool calls from their fragments. A provider sends each
 * call in pieces: usually its `id` and `name` first, then its arguments a few
 * characters at a time, keyed by `index`; parallel calls may interleave.
 * Providers differ at the edges (a missing `index`, a name repeated in every
 * piece), so the rules below are lenient where that is safe. Pure: no I/O.
 */
import type { ToolCallFragment } from './stream-chunk';

export interface AssembledToolCall {
  /** The provider's id, fed back with the call's result; `call_<index>` when the provider sent none. */
  id: string;
  name: string;
  /** The arguments as sent: a JSON text the caller still has to parse. */
  arguments: string;
}

interface PartialCall {
  index: number;
  id?: string;
  name: string;
  arguments: string;
}

export class ToolCallAssembler {
  readonly #calls = new Map<number, PartialCall>();
  #last: PartialCall | undefined;

  /** Whether any fragment has arrived: a stream cut after this was cut in the middle of a tool call. */
  get started(): boolean {
    return this.#calls.size > 0;
  }

  add(fragment: ToolCallFragment): void {
    const call = this.#callFor(fragment);
    if (fragment.id && !call.id) call.id = fragment.id;
    if (fragment.name) call.name = mergeName(call.name, fragment.name);
    if (fragment.arguments) call.arguments += fragment.arguments;
    this.#last = call;
  }

  /** The calls, in index order. */
  calls(): AssembledToolCall[] {
    return [...this.#calls.values()]
      .sort((a, b) => a.index - b.index)
      .map((call) => ({ id: call.id ?? `call_${call.index}`, name: call.name, arguments: call.arguments }));
  }

  #callFor(fragment: ToolCallFragment): PartialCall {
    if (fragment.index !== undefined) return this.#byIndex(fragment.index);
    // Without an index: a known id continues its call, a new id starts one, nothing continues the last one.
    if (fragment.id) {
      const known = [...this.#calls.values()].find((call) => call.id === fragment.id);
      return known ?? this.#byIndex(this.#nextIndex());
    }
    return this.#last ?? this.#byIndex(0);
  }

  #byIndex(index: number): PartialCall {
    let call = this.#calls.get(index);
    if (!call) {
      call = { index, name: '', arguments: '' };
      this.#calls.set(index, call);
    }
    return call;
  }

  #nextIndex(): number {
    return this.#calls.size === 0 ? 0 : Math.max(...this.#calls.keys()) + 1;
  }
}

/** Most providers send the name once; some repeat it whole in every piece, a few stream it in parts. */
function mergeName(current: string, piece: string): string {
  if (current === '' || piece === current || piece.startsWith(current)) return piece;
  return current + piece;
}
