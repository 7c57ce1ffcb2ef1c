// Finds what to translate on a page: units of inline content (a paragraph, a list item, a cell, the loose text
// between two blocks) with their inline elements as numbered slots, and the attributes people read. A block is
// an element whose computed display is not inline (Firefox's translations do the same); the walk splits until a
// unit holds only inline content. It runs in slices (see UnitCollector.collect), so a huge page never holds the
// main thread, and it never changes the page: writing is unit-writer.ts's job.
import { piecesText, piecesWithinLimits, sentenceGroups, type InlinePiece } from '../../protocol';
import { isElement, sameOriginDocument } from '../page/dom-reach';

export interface TextUnit {
  kind: 'text';
  id: number;
  /** The block it belongs to: what is observed for visibility and gets `lang`/`dir`. */
  element: Element;
  parent: Node;
  /** The run of the parent's children the unit covers (all of them for a plain paragraph). */
  nodes: ChildNode[];
  slots: Map<number, Element>;
  /** Every text node of the unit, with the text it had when collected: a unit whose text changed is stale. */
  texts: Map<Text, string>;
  pieces: InlinePiece[];
  /** Set when one long text node was split in sentences: this unit is part `index` of the node's parts. */
  part?: { node: Text; index: number; count: number };
}

export interface AttributeUnit {
  kind: 'attribute';
  id: number;
  element: Element;
  name: string;
  original: string;
  pieces: InlinePiece[];
}

export type PageUnit = TextUnit | AttributeUnit;

const XHTML = 'http://www.w3.org/1999/xhtml';

/** The element's name in capitals whatever its namespace (an SVG `<script>` says "script" where HTML says "SCRIPT"). */
function tagOf(element: Element): string {
  return element.localName.toUpperCase();
}

/** What is not HTML (SVG, MathML) is never translated inside: it passes through as it is. */
function skipped(element: Element): boolean {
  return element.namespaceURI !== XHTML || SKIP.has(tagOf(element));
}

const SKIP = new Set(['SCRIPT', 'STYLE', 'CODE', 'KBD', 'SAMP', 'VAR', 'MATH', 'PRE', 'TEXTAREA', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'FRAME', 'SVG', 'CANVAS', 'OBJECT', 'EMBED', 'VIDEO', 'AUDIO', 'IMG', 'BR', 'WBR', 'HR', 'INPUT', 'PICTURE', 'METER', 'PROGRESS']);
const TRANSLATED_ATTRIBUTES = ['title', 'alt', 'placeholder', 'aria-label', 'aria-description'];
/** Elements Pagewise adds itself (bilingual copies, the selection bubble): never collected again. */
export const OWN_MARK = 'data-pagewise';

const LIMITS = { unitChars: 1500, slots: 60, depth: 10, partChars: 500 } as const;
const HAS_LETTER = /\p{L}/u;

export interface CollectOptions {
  /** Target language: text already in it is left alone. */
  to: string;
  /** Finds a shadow root, closed ones included where the browser lets an extension (chrome.dom). */
  shadowRootOf: (element: Element) => ShadowRoot | null;
  /** Text already handled (a unit sent or done, or Pagewise's own translation): its run is not collected again. */
  known: (node: Node) => boolean;
  /** The element's computed `display` (the page's own styles decide what is a block); unit tests pass a table. */
  displayOf?: (element: Element) => string;
}

/** A depth-first walk of the page that hands out units in time-boxed slices. */
export class UnitCollector {
  private readonly stack: Array<Node> = [];
  private seen = new WeakSet<Node>();
  private readonly blockCache = new WeakMap<Element, boolean>();
  private attributesDone = new WeakMap<Element, Set<string>>();
  private nextId = 0;

  private readonly displayOf: (element: Element) => string;

  constructor(private readonly options: CollectOptions) {
    this.displayOf = options.displayOf ?? computedDisplay;
  }

  /** Queues a subtree (the document body, or content that appeared later) for the walk. */
  add(root: Node): void {
    if (!this.insideExcluded(root)) this.stack.push(root);
  }

  /** Walks `container` again (its content changed); runs already known are skipped. */
  rewalk(container: Node): void {
    this.seen.delete(container);
    if (!this.insideExcluded(container)) this.stack.push(container);
  }

  /** Forgets everything walked: the next walk starts over. */
  reset(): void {
    this.stack.length = 0;
    this.seen = new WeakSet();
    this.attributesDone = new WeakMap();
  }

  get pending(): boolean {
    return this.stack.length > 0;
  }

  /** Walks until the stack is empty or `deadline` (performance.now()) passes; returns the units found. */
  collect(deadline: number): PageUnit[] {
    const units: PageUnit[] = [];
    let steps = 0;
    while (this.stack.length > 0) {
      if (++steps % 32 === 0 && performance.now() > deadline) break;
      const container = this.stack.pop()!;
      if (this.seen.has(container)) continue;
      this.seen.add(container);
      this.walkContainer(container, units);
    }
    return units;
  }

  private walkContainer(container: Node, units: PageUnit[]): void {
    if (isElement(container)) {
      if (!this.allowed(container)) return;
      this.attributeUnits(container, units);
      if (tagOf(container) === 'IFRAME' || tagOf(container) === 'FRAME') {
        const doc = sameOriginDocument(container as HTMLIFrameElement);
        if (doc?.body) this.stack.push(doc.body);
        return;
      }
      if (!this.translatable(container)) return;
      const shadow = this.options.shadowRootOf(container);
      if (shadow) this.stack.push(shadow);
      if (tagOf(container) === 'OPTION') {
        this.textRun(container, [...container.childNodes], units);
        return;
      }
    }
    let run: ChildNode[] = [];
    const flush = (): void => {
      if (run.length > 0) this.textRun(container, run, units);
      run = [];
    };
    const children = [...container.childNodes];
    // Pushed in reverse so the walk pops them in document order (viewport order is settled later anyway).
    const blocks: Node[] = [];
    for (const child of children) {
      if (child.nodeType === Node.TEXT_NODE) {
        run.push(child);
        continue;
      }
      if (!isElement(child)) continue;
      if (child.hasAttribute(OWN_MARK)) {
        flush();
        continue;
      }
      const display = this.displayOf(child);
      if (display === 'none') continue;
      if (display === 'contents' || !this.isInlineContent(child)) {
        flush();
        blocks.push(child);
        continue;
      }
      run.push(child);
    }
    flush();
    for (let i = blocks.length - 1; i >= 0; i--) this.stack.push(blocks[i]!);
  }

  /**
   * An inline element holding only inline content (no block anywhere inside). Nesting deeper than the unit's depth
   * limit counts as a block, so a page of 10,000 nested spans is walked as containers, not recursed into.
   */
  private isInlineContent(element: Element, depth = 0): boolean {
    const cached = this.blockCache.get(element);
    if (cached !== undefined) return cached;
    let inline = skipped(element) || this.displayOf(element) === 'inline';
    if (inline && !skipped(element)) {
      for (const child of element.children) {
        if (depth >= LIMITS.depth || (this.displayOf(child) !== 'none' && !this.isInlineContent(child, depth + 1))) {
          inline = false;
          break;
        }
      }
    }
    this.blockCache.set(element, inline);
    return inline;
  }

  /** Content that appeared inside something not to be translated (a .notranslate box, code, an editor) stays out. */
  private insideExcluded(node: Node): boolean {
    for (let at = node.parentElement; at; at = at.parentElement) {
      if (skipped(at) || at.hasAttribute(OWN_MARK) || at.classList.contains('notranslate')) return true;
      if ((at as HTMLElement).translate === false || (at as HTMLElement).isContentEditable === true) return true;
    }
    return false;
  }

  /** The page did not say "do not translate" (translate="no", .notranslate), it is not ours nor in the target language already. */
  private allowed(element: Element): boolean {
    if (element.hasAttribute(OWN_MARK) || element.classList.contains('notranslate')) return false;
    if ((element as HTMLElement).translate === false) return false;
    const lang = element.getAttribute('lang');
    return !(lang && sameLanguage(lang, this.options.to));
  }

  /** Allowed, and its content is text to translate: not code, a form field's contents, or something being edited. */
  private translatable(element: Element): boolean {
    if (skipped(element) || !this.allowed(element)) return false;
    return (element as HTMLElement).isContentEditable !== true;
  }

  private textRun(parent: Node, nodes: ChildNode[], units: PageUnit[]): void {
    for (const group of splitRun(nodes)) {
      if (group.some((node) => node.nodeType === Node.TEXT_NODE && this.options.known(node))) continue;
      const unit: TextUnit = { kind: 'text', id: 0, element: blockOf(parent), parent, nodes: group, slots: new Map(), texts: new Map(), pieces: [] };
      unit.pieces = this.serialize(group, unit, 0, units);
      const oneText = group.length === 1 && group[0]!.nodeType === Node.TEXT_NODE;
      if (!oneText && !piecesWithinLimits(unit.pieces)) {
        // Too much for one unit (one element holding a long text or many elements): its parts are walked on their own.
        for (const node of group) {
          if (isElement(node)) this.stack.push(node);
          else if (node.nodeType === Node.TEXT_NODE) this.textRun(parent, [node], units);
        }
        continue;
      }
      const text = piecesText(unit.pieces);
      if (!HAS_LETTER.test(text) || inScript(text, this.options.to)) continue;
      // A block the page marks as being in the target language already. The page-wide `<html lang>` is left to the
      // user (pages often declare it wrong, and the popup says when the page looks like it is in the target already).
      const marked = (isElement(parent) ? parent : unit.element).closest('[lang]');
      if (marked && marked !== marked.ownerDocument.documentElement && sameLanguage(marked.getAttribute('lang')!, this.options.to)) continue;
      for (const node of group) this.seen.add(node);
      // Parts are written back into one text node: only a unit that is exactly one text node is split.
      const lone = unit.texts.size === 1 && unit.nodes.length === 1 && unit.pieces.length === 1 && typeof unit.pieces[0] === 'string' ? [...unit.texts.keys()][0] : undefined;
      if (lone && text.length > LIMITS.partChars) {
        units.push(...this.parts(unit, lone, text));
        continue;
      }
      unit.id = this.nextId++;
      units.push(unit);
    }
  }

  /** One long text node as sentence groups, each its own unit; the node is written when all are back. */
  private parts(unit: TextUnit, node: Text, text: string): TextUnit[] {
    const chunks = sentenceGroups(text, LIMITS.partChars, unit.element.closest('[lang]')?.getAttribute('lang') ?? undefined);
    return chunks.map((chunk, index) => ({ ...unit, id: this.nextId++, pieces: [chunk], part: { node, index, count: chunks.length } }));
  }

  private serialize(nodes: readonly ChildNode[], unit: TextUnit, depth: number, units: PageUnit[]): InlinePiece[] {
    const pieces: InlinePiece[] = [];
    for (const node of nodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        const text = node as Text;
        unit.texts.set(text, text.data);
        const collapsed = text.data.replace(/\s+/g, ' ');
        const last = pieces[pieces.length - 1];
        if (typeof last === 'string') pieces[pieces.length - 1] = last + collapsed;
        else pieces.push(collapsed);
        continue;
      }
      if (!isElement(node) || node.hasAttribute(OWN_MARK)) continue;
      const slot = unit.slots.size + 1;
      unit.slots.set(slot, node);
      const opaque = depth >= LIMITS.depth || unit.slots.size >= LIMITS.slots || !this.translatable(node) || this.displayOf(node) === 'none';
      if (this.allowed(node) && !skipped(node)) this.attributeUnits(node, units);
      // A frame in a line of text: its own document is walked as a page of its own.
      if (this.allowed(node) && (tagOf(node) === 'IFRAME' || tagOf(node) === 'FRAME')) this.stack.push(node);
      if (this.allowed(node) && ['IMG', 'INPUT'].includes(tagOf(node))) this.attributeUnits(node, units);
      const children = opaque ? undefined : this.serialize([...node.childNodes], unit, depth + 1, units);
      // An element with no text of its own is opaque: the model's words never go where the page had none.
      pieces.push(children && children.some((c) => typeof c !== 'string' || c.trim()) ? { slot, children } : { slot });
    }
    return pieces;
  }

  private attributeUnits(element: Element, units: PageUnit[]): void {
    // Each attribute once: a walk that passes the element again (new content beside it) must not send our own
    // translation of it back.
    const done = this.attributesDone.get(element) ?? new Set<string>();
    this.attributesDone.set(element, done);
    const names = [...TRANSLATED_ATTRIBUTES].filter((name) => !done.has(name));
    if (tagOf(element) === 'INPUT' && ['button', 'reset'].includes((element as HTMLInputElement).type) && !done.has('value')) names.push('value');
    if ((tagOf(element) === 'OPTION' || tagOf(element) === 'OPTGROUP') && !done.has('label')) names.push('label');
    for (const name of names) {
      done.add(name);
      const original = element.getAttribute(name);
      if (!original || !HAS_LETTER.test(original) || original.length > LIMITS.unitChars || inScript(original, this.options.to)) continue;
      units.push({ kind: 'attribute', id: this.nextId++, element, name, original, pieces: [original.replace(/\s+/g, ' ')] });
    }
  }
}

/** Splits a run that is over a unit's size or slot limit at its top-level nodes. */
function splitRun(nodes: ChildNode[]): ChildNode[][] {
  const groups: ChildNode[][] = [];
  let current: ChildNode[] = [];
  let chars = 0;
  let elements = 0;
  for (const node of nodes) {
    const size = node.textContent?.length ?? 0;
    const count = isElement(node) ? 1 + node.getElementsByTagName('*').length : 0;
    if (current.length > 0 && (chars + size > LIMITS.unitChars || elements + count > LIMITS.slots)) {
      groups.push(current);
      current = [];
      chars = 0;
      elements = 0;
    }
    current.push(node);
    chars += size;
    elements += count;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function computedDisplay(element: Element): string {
  const view = element.ownerDocument.defaultView;
  return view ? view.getComputedStyle(element).display : 'inline';
}

function blockOf(node: Node): Element {
  if (isElement(node)) return node;
  if ('host' in node && isElement((node as ShadowRoot).host)) return (node as ShadowRoot).host;
  return (node as Document).documentElement ?? document.documentElement;
}

export function sameLanguage(a: string, b: string): boolean {
  return a.split('-')[0]!.toLowerCase() === b.split('-')[0]!.toLowerCase();
}

/** Scripts a target language is written in, for telling text that is already in it. Latin-script targets cannot tell. */
const TARGET_SCRIPTS: Record<string, RegExp> = {
  hi: /\p{Script=Devanagari}/u, mr: /\p{Script=Devanagari}/u, ne: /\p{Script=Devanagari}/u,
  th: /\p{Script=Thai}/u, ar: /\p{Script=Arabic}/u, fa: /\p{Script=Arabic}/u, ur: /\p{Script=Arabic}/u,
  he: /\p{Script=Hebrew}/u, ru: /\p{Script=Cyrillic}/u, uk: /\p{Script=Cyrillic}/u, bn: /\p{Script=Bengali}/u,
  ta: /\p{Script=Tamil}/u, ko: /\p{Script=Hangul}/u, ja: /[\p{Script=Hiragana}\p{Script=Katakana}]/u, el: /\p{Script=Greek}/u,
};

/** Most of the text's letters are already in the target language's own script. */
function inScript(text: string, to: string): boolean {
  const script = TARGET_SCRIPTS[to.split('-')[0]!.toLowerCase()];
  if (!script) return false;
  let letters = 0;
  let inside = 0;
  for (const char of text) {
    if (!HAS_LETTER.test(char)) continue;
    letters++;
    if (script.test(char)) inside++;
  }
  return letters > 0 && inside / letters >= 0.6;
}

