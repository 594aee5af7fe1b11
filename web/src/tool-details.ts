/**
 * A tool call's details, shown when its card is expanded: the arguments and
 * the result (or error), each as indented JSON, cut at a readable length.
 */
import { element } from './dom';
import type { ToolCall } from './turn';

/** Longest JSON drawn in a details block; the rest is cut with a note. */
export const MAX_DETAILS_TEXT = 4_000;

/** Indented JSON of a value, cut at MAX_DETAILS_TEXT; a string is shown as is. */
export function detailsJson(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  if (text.length <= MAX_DETAILS_TEXT) return text;
  return `${text.slice(0, MAX_DETAILS_TEXT)}\n… (${text.length - MAX_DETAILS_TEXT} more characters)`;
}

/** The sections of an expanded card, in order: what went in, then what came out (once it did). */
export function detailSections(call: ToolCall): { label: string; text: string }[] {
  const sections = [{ label: 'Arguments', text: call.args === undefined ? '(none)' : detailsJson(call.args) }];
  if (call.state === 'success') {
    sections.push({ label: 'Result', text: call.result === undefined ? '(none)' : detailsJson(call.result) });
  }
  if (call.state === 'error') sections.push({ label: 'Error', text: call.error ?? 'failed' });
  return sections;
}

export function renderDetails(body: HTMLElement, call: ToolCall): void {
  body.replaceChildren(
    ...detailSections(call).flatMap(({ label, text }) => [
      element('p', { className: 'tool-details-label', text: label }),
      element('pre', { className: 'tool-details-json', text }),
    ]),
  );
}
