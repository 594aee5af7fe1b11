/**
 * Element construction for the renderers. Text goes in only through
 * `textContent`, so untrusted data can never become markup.
 */

export interface ElementProps {
  className?: string;
  text?: string;
  attributes?: Record<string, string>;
}

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attributes ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Sets or removes a `data-*` attribute. */
export function setData(node: HTMLElement, key: string, value: string | undefined): void {
  if (value === undefined) delete node.dataset[key];
  else if (node.dataset[key] !== value) node.dataset[key] = value;
}
