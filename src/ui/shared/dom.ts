/** Building UI from DOM nodes and textContent only: page text and model output are data, never HTML. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** A button named by `data-action`, which is how tests and styles find it whatever its label says. */
export function button(label: string, onClick: () => void, action: string, secondary = false): HTMLButtonElement {
  const node = el('button', { type: 'button', textContent: label, className: secondary ? 'secondary' : '' });
  node.dataset['action'] = action;
  node.addEventListener('click', onClick);
  return node;
}

/** An element the page's HTML must have; failing loudly here beats a null error later in a click handler. */
export function byId<T extends HTMLElement>(id: string, kind: { new (): T; prototype: T }, root: ParentNode = document): T {
  const element = root.querySelector(`#${CSS.escape(id)}`);
  if (!(element instanceof kind)) throw new Error(`The page has no ${kind.name} #${id}.`);
  return element;
}
