// Writes translations into the page and takes them back out. Text goes into the text nodes the page already has
// (`Text.data`), matched by slot: no text is ever wrapped in a new element, which is what breaks React and the
// like (their next render removes a node that is no longer where they left it). Inline elements the translation
// puts in another order are moved within their own parent only. Every change is recorded with what was there
// before and what we wrote, and undone only where the page still shows what we wrote: if the page changed a node
// since, its change stands.
import type { InlinePiece } from '../../protocol';
import type { AttributeUnit, TextUnit } from './page-units';

type Change = { unit: number } & (
  | { kind: 'text'; node: Text; original: string; written: string }
  | { kind: 'added-text'; node: Text; written: string }
  | { kind: 'order'; parent: Node; original: ChildNode[] }
  | { kind: 'attribute'; element: Element; name: string; original: string | null; written: string }
);

export class UnitWriter {
  private changes: Change[] = [];
  /** The unit the changes being made belong to. */
  private unit = -1;
  /** What we last wrote into each text node: the collector leaves such nodes alone, so our output is never sent back. */
  private readonly ours = new WeakMap<Node, string>();

  /** Whether `node` shows what Pagewise wrote there. */
  isOurs(node: Node): boolean {
    const written = this.ours.get(node);
    return written !== undefined && node.nodeType === Node.TEXT_NODE && (node as Text).data === written;
  }

  /** Still as collected: every text node in place with its original text. */
  static isCurrent(unit: TextUnit): boolean {
    for (const [node, text] of unit.texts) if (!node.isConnected || node.data !== text) return false;
    return unit.nodes.every((node) => node.parentNode === unit.parent);
  }

  /** Runs `write` with every change it makes recorded as unit `id`'s, so that unit can be undone alone. */
  forUnit(id: number, write: () => void): void {
    this.unit = id;
    try {
      write();
    } finally {
      this.unit = -1;
    }
  }

  writeText(unit: TextUnit, pieces: readonly InlinePiece[]): void {
    // An option without a value submits its text: pin the value first, so the form still sends what it did.
    const option = unit.parent as HTMLOptionElement;
    if (option.nodeName === 'OPTION' && !option.hasAttribute('value')) this.setAttribute(option, 'value', option.value);
    this.writeLevel(unit.parent, unit.nodes, pieces, unit);
  }

  /** A long text node split in sentence parts: all parts' translations, joined, in one write. */
  writeParts(node: Text, translations: readonly string[], joiner: string): void {
    this.setText(node, translations.map((t) => t.trim()).join(joiner));
  }

  writeAttribute(unit: AttributeUnit, text: string): void {
    if (unit.element.getAttribute(unit.name) !== unit.original) return;
    this.setAttribute(unit.element, unit.name, text);
  }

  /** Sets an attribute the page will get back on restore (`lang`, `dir`). */
  setAttribute(element: Element, name: string, value: string): void {
    const original = element.getAttribute(name);
    if (original === value) return;
    element.setAttribute(name, value);
    this.changes.push({ unit: this.unit, kind: 'attribute', element, name, original, written: value });
  }

  /** Puts back everything still as we left it, newest change first. */
  restore(): void {
    this.undo(this.changes);
    this.changes = [];
  }

  /** Puts back one unit's changes (the page changed part of it: the rest goes back to the original, to be translated again). */
  restoreUnit(id: number): void {
    this.undo(this.changes.filter((change) => change.unit === id));
    this.changes = this.changes.filter((change) => change.unit !== id);
  }

  private undo(changes: readonly Change[]): void {
    for (let i = changes.length - 1; i >= 0; i--) {
      const change = changes[i]!;
      if (change.kind === 'text') {
        if (change.node.data === change.written) change.node.data = change.original;
        this.ours.delete(change.node);
      } else if (change.kind === 'added-text') {
        if (change.node.data === change.written) change.node.remove();
      } else if (change.kind === 'order') {
        // Only when the parent holds just what it held then (the page added or removed nothing there since).
        const now = change.parent.childNodes;
        if (now.length === change.original.length && change.original.every((node) => node.parentNode === change.parent)) putInOrder(change.parent, change.original);
      } else if (change.element.getAttribute(change.name) === change.written) {
        if (change.original === null) change.element.removeAttribute(change.name);
        else change.element.setAttribute(change.name, change.original);
      }
    }
  }

  get changed(): boolean {
    return this.changes.length > 0;
  }

  private writeLevel(parent: Node, nodes: readonly ChildNode[], pieces: readonly InlinePiece[], unit: TextUnit): void {
    // The slots this level's translation keeps, in the translation's order.
    const kept = pieces.filter((p): p is Exclude<InlinePiece, string> => typeof p !== 'string' && unit.slots.get(p.slot)?.parentNode === parent);
    const keptElements = kept.map((p) => unit.slots.get(p.slot)!);
    // Kept elements change places among the positions they hold; everything else in the parent (comments a
    // framework anchors on, hidden nodes, other units) stays where it is. The whole child list is recorded, so
    // restore puts back exactly the order there was.
    const all = [...parent.childNodes];
    const positions = all.map((node, i) => (keptElements.includes(node as Element) ? i : -1)).filter((i) => i >= 0);
    if (positions.some((at, k) => all[at] !== keptElements[k])) {
      this.changes.push({ unit: this.unit, kind: 'order', parent, original: [...all] });
      positions.forEach((at, k) => (all[at] = keptElements[k]!));
      putInOrder(parent, all);
    }
    const inUnit = new Set<Node>(nodes);
    const order = all.filter((node) => inUnit.has(node));
    // The model's words go only where the page had text at this level: never into an element that held none.
    const hadText = order.some((node) => node.nodeType === Node.TEXT_NODE && unit.texts.has(node as Text));

    // The text between kept slots, in order; each goes into the text nodes of the matching gap.
    const runs: string[] = [''];
    for (const piece of pieces) {
      if (typeof piece === 'string') runs[runs.length - 1] += piece;
      else if (kept.includes(piece)) runs.push('');
    }
    let gap = 0;
    let texts: Text[] = [];
    const fill = (before: ChildNode | null): void => {
      const run = runs[gap] ?? '';
      if (texts.length > 0) {
        this.setText(texts[0]!, run);
        for (const extra of texts.slice(1)) this.setText(extra, '');
      } else if (run && hadText) {
        const added = document.createTextNode(run);
        parent.insertBefore(added, before ?? order[order.length - 1]?.nextSibling ?? null);
        this.ours.set(added, run);
        this.changes.push({ unit: this.unit, kind: 'added-text', node: added, written: run });
      }
      texts = [];
      gap++;
    };
    for (const node of order) {
      if (node.nodeType === Node.TEXT_NODE && unit.texts.has(node as Text)) texts.push(node as Text);
      else if (keptElements.includes(node as Element)) fill(node);
    }
    fill(null);

    for (const piece of kept) {
      if (!piece.children) continue;
      const slot = unit.slots.get(piece.slot)!;
      this.writeLevel(slot, [...slot.childNodes], piece.children, unit);
    }
  }

  private setText(node: Text, text: string): void {
    if (node.data !== text) {
      this.changes.push({ unit: this.unit, kind: 'text', node, original: node.data, written: text });
      node.data = text;
    }
    this.ours.set(node, text);
  }
}

/** Puts `nodes`, every child `parent` has, in the given order. */
function putInOrder(parent: Node, nodes: readonly ChildNode[]): void {
  let next: ChildNode | null = null;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (node.nextSibling !== next || node.parentNode !== parent) parent.insertBefore(node, next);
    next = node;
  }
}
