// Lists the page's form fields with the text a person reads for each, the way a person would find them: open and
// closed shadow roots and same-origin frames included, hidden fields (honeypots), disabled and read-only ones
// left out. The listing carries ids and text only; the live nodes stay here, under those ids.
import { FILL_LIMITS, type FieldControl, type FormField, type FormListing } from '../../protocol';
import { composedParent, isElement, sameOriginDocument } from '../page/dom-reach';
import { isVisible } from './field-visibility';

type TextControl = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** A listed field's live nodes: one control, or the radios of a group. */
export interface FieldNodes {
  field: FormField;
  elements: TextControl[];
}

export interface FieldCollectOptions {
  shadowRootOf: (element: Element) => ShadowRoot | null;
  /** Whether a person can see the element; unit tests without layout pass their own. */
  isVisible?: (element: Element) => boolean;
  /** The value Pagewise itself last wrote into the element, if any: a field still holding it was not typed in by a person. */
  ownValue?: (element: Element) => string | undefined;
}

/** Input types that take no value a person types or picks: never listed. */
const NOT_FIELDS = new Set(['hidden', 'submit', 'button', 'reset', 'image', 'file', 'range', 'color']);
const HEADINGS = 'h1, h2, h3, h4, h5, h6, [role="heading"]';

const clip = (text: string, chars: number = FILL_LIMITS.textChars): string => {
  // A page can label a field with megabytes: only the start is ever shown, so only the start is flattened.
  const flat = text.slice(0, 4 * chars).replace(/\s+/g, ' ').trim();
  return flat.length > chars ? `${flat.slice(0, chars - 1)}…` : flat;
};

/** Main-thread time one slice of listing may take before the page gets a turn (a long form is listed in slices). */
const SLICE_MS = 8;

/** An ordinary task later (a MessageChannel message: no timer clamping, not throttled in a background tab). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

export async function collectFields(doc: Document, options: FieldCollectOptions): Promise<{ listing: FormListing; nodes: Map<string, FieldNodes> }> {
  let busy = 0;
  let sliceStart = performance.now();
  /** Gives the page a turn when this slice has run long enough; counts only the time spent here. */
  const pause = async (): Promise<void> => {
    if (performance.now() - sliceStart < SLICE_MS) return;
    busy += performance.now() - sliceStart;
    await nextTask();
    sliceStart = performance.now();
  };
  const visible = options.isVisible ?? isVisible;
  headingLists = new WeakMap();
  const controls: TextControl[] = [];
  const stack: Node[] = [doc.documentElement];
  // Document order: children pushed in reverse; a shadow root is walked where its host stands.
  let steps = 0;
  while (stack.length > 0) {
    if (++steps % 64 === 0) await pause();
    const node = stack.pop()!;
    if (isElement(node)) {
      const tag = node.localName;
      if (tag === 'input' || tag === 'textarea' || tag === 'select') {
        controls.push(node as TextControl);
        continue;
      }
      if (tag === 'iframe' || tag === 'frame') {
        // Sandboxed frames are the site saying "do not trust this content": never filled.
        if (node.hasAttribute('sandbox')) continue;
        const inner = sameOriginDocument(node as HTMLIFrameElement);
        if (inner?.documentElement) stack.push(inner.documentElement);
        continue;
      }
      if (tag === 'script' || tag === 'style' || tag === 'template' || tag === 'noscript') continue;
      const shadow = options.shadowRootOf(node);
      const children = [...node.children];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
      if (shadow) stack.push(shadow);
      continue;
    }
    const children = [...(node as ParentNode).children];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }

  const nodes = new Map<string, FieldNodes>();
  const fields: FormField[] = [];
  const radioGroups = new Map<string, FieldNodes>();
  const clusters = new Map<Element, number>();
  let truncated = false;
  const fieldIdOf = (): string => `f${fields.length + 1}`;

  for (const control of controls) {
    await pause();
    if (!fillable(control, visible)) continue;
    const type = control.localName === 'input' ? (control as HTMLInputElement).type : control.localName;
    if (control.localName === 'input' && NOT_FIELDS.has(type)) continue;
    if (type === 'radio') {
      const input = control as HTMLInputElement;
      const key = radioKey(input);
      const group = radioGroups.get(key);
      if (group) {
        group.elements.push(input);
        group.field.options!.push({ value: clip(input.value, FILL_LIMITS.optionChars), text: clip(ownLabel(input), FILL_LIMITS.optionChars) });
        if (input.checked) group.field.value = clip(input.value, FILL_LIMITS.valueChars);
        if (input.checked !== input.defaultChecked) group.field.typed = true;
        continue;
      }
    }
    if (fields.length >= FILL_LIMITS.fields) {
      truncated = true;
      break;
    }
    const field = describe(control, type, fieldIdOf(), clusterOf(control, clusters, visible));
    // What Pagewise wrote earlier is not a person's typing: the field may be proposed for again (and undone).
    if (field.typed && options.ownValue?.(control) === field.value) field.typed = false;
    const entry = { field, elements: [control] };
    fields.push(field);
    nodes.set(field.id, entry);
    if (type === 'radio') radioGroups.set(radioKey(control as HTMLInputElement), entry);
  }
  for (const group of radioGroups.values()) {
    if (group.field.options!.length > FILL_LIMITS.options) group.field.options!.length = FILL_LIMITS.options;
  }
  const first = fields.length > 0 ? nodes.get(fields[0]!.id)!.elements[0]! : undefined;
  return {
    listing: {
      fields,
      truncated,
      title: clip(first ? formTitle(first) : '') || clip(doc.title),
      lang: (doc.documentElement.lang || '').slice(0, 64),
      collectMs: busy + (performance.now() - sliceStart),
    },
    nodes,
  };
}

/** Listed at all: a person can see it and change it. */
export function fillable(control: TextControl, visible: (element: Element) => boolean): boolean {
  if (control.matches(':disabled')) return false;
  if ('readOnly' in control && control.readOnly) return false;
  if (ariaHidden(control)) return false;
  if (visible(control)) return true;
  // Custom-styled radios and checkboxes hide the input and show their label instead.
  const type = (control as HTMLInputElement).type;
  if (type === 'radio' || type === 'checkbox') return [...((control as HTMLInputElement).labels ?? [])].some((label) => visible(label));
  return false;
}

function ariaHidden(element: Element): boolean {
  for (let at: Element | null = element; at; at = composedParent(at)) {
    if (at.getAttribute('aria-hidden') === 'true' || at.hasAttribute('inert')) return true;
  }
  return false;
}

function describe(control: TextControl, type: string, id: string, cluster: number): FormField {
  const input = control.localName === 'input' ? (control as HTMLInputElement) : undefined;
  const control_: FieldControl = type === 'radio' ? 'radio-group' : type === 'checkbox' ? 'checkbox' : (control.localName as FieldControl);
  const label = type === 'radio' ? groupLabel(control) : ownLabel(control);
  const legend = fieldsetLegend(control);
  const constraints: Partial<FormField> = {};
  if (input || control.localName === 'textarea') {
    const text = control as HTMLInputElement | HTMLTextAreaElement;
    if (text.maxLength >= 0) constraints.maxLength = text.maxLength;
    if (text.minLength >= 0) constraints.minLength = text.minLength;
  }
  if (input) {
    if (input.pattern) constraints.pattern = input.pattern.slice(0, 500);
    if (input.min) constraints.min = input.min.slice(0, 40);
    if (input.max) constraints.max = input.max.slice(0, 40);
    if (input.step) constraints.step = input.step.slice(0, 40);
  }
  let value: string;
  let typed: boolean;
  let options: FormField['options'];
  if (control.localName === 'select') {
    const select = control as HTMLSelectElement;
    options = [...select.options].slice(0, FILL_LIMITS.options).map((option) => ({ value: clip(option.value, FILL_LIMITS.optionChars), text: clip(option.text, FILL_LIMITS.optionChars) }));
    value = select.value;
    typed = !select.multiple && select.selectedIndex !== defaultIndex(select);
  } else if (type === 'checkbox') {
    value = input!.checked ? 'on' : '';
    typed = input!.checked !== input!.defaultChecked;
  } else if (type === 'radio') {
    options = [{ value: clip(input!.value, FILL_LIMITS.optionChars), text: clip(ownLabel(input!), FILL_LIMITS.optionChars) }];
    value = input!.checked ? input!.value : '';
    typed = input!.checked !== input!.defaultChecked;
  } else {
    const text = control as HTMLInputElement | HTMLTextAreaElement;
    value = text.value;
    typed = text.value !== '' && text.value !== text.defaultValue;
  }
  const dir = control.ownerDocument.defaultView?.getComputedStyle(control).direction === 'rtl' ? 'rtl' : 'ltr';
  return {
    id,
    control: control_,
    type: type.slice(0, 32),
    label: clip(label),
    context: clip(legend && legend !== label ? legend : headingBefore(control)),
    placeholder: clip(control.getAttribute('placeholder') ?? ''),
    name: clip(control.getAttribute('name') ?? ''),
    htmlId: clip(control.id),
    autocomplete: (control.getAttribute('autocomplete') ?? '').toLowerCase().trim().slice(0, 100),
    required: control.required,
    ...constraints,
    ...(options ? { options } : {}),
    value: value.slice(0, FILL_LIMITS.valueChars),
    typed,
    sensitive: type === 'password' || /\bcc-|one-time-code/.test(control.getAttribute('autocomplete') ?? ''),
    cluster,
    dir,
  };
}

/**
 * The option a select shows before anyone chooses: the last one marked `selected` in the markup, else the first
 * that is not disabled (`defaultSelected` reflects only the attribute, so most selects have none marked).
 */
function defaultIndex(select: HTMLSelectElement): number {
  const options = [...select.options];
  for (let i = options.length - 1; i >= 0; i--) if (options[i]!.defaultSelected) return i;
  return options.findIndex((option) => !option.disabled);
}

function radioKey(input: HTMLInputElement): string {
  const scope = input.form ?? input.getRootNode();
  return `${input.name}\u0000${scopeId(scope)}`;
}

const scopeIds = new WeakMap<object, number>();
let nextScope = 0;
function scopeId(scope: object): number {
  let id = scopeIds.get(scope);
  if (id === undefined) scopeIds.set(scope, (id = ++nextScope));
  return id;
}

/** Text of `element` a person reads, leaving out the fields inside it (a select's options inside a wrapping label). */
function readText(element: Element): string {
  let text = '';
  const walk = (node: Node): void => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += (child.nodeValue ?? '').slice(0, 2 * FILL_LIMITS.textChars + 1 - text.length);
      else if (isElement(child) && !/^(select|textarea|input|option|script|style|button)$/.test(child.localName)) walk(child);
      if (text.length > 2 * FILL_LIMITS.textChars) return;
    }
  };
  walk(element);
  return text;
}

function byIds(control: Element, ids: string): string {
  const root = control.getRootNode() as Document | ShadowRoot;
  return ids
    .split(/\s+/)
    .map((id) => (id && 'getElementById' in root ? root.getElementById(id) : null))
    .filter((element): element is HTMLElement => element !== null)
    .map(readText)
    .join(' ');
}

/** The label a person reads for one control: aria-labelledby, its labels, aria-label, title, then the text just before it. */
function ownLabel(control: TextControl): string {
  const labelledBy = control.getAttribute('aria-labelledby');
  if (labelledBy) {
    const text = byIds(control, labelledBy).trim();
    if (text) return text;
  }
  const labels = [...(control.labels ?? [])].map(readText).join(' ').trim();
  if (labels) return labels;
  const aria = control.getAttribute('aria-label')?.trim();
  if (aria) return aria;
  const title = control.getAttribute('title')?.trim();
  if (title) return title;
  return textBefore(control);
}

/** A radio group is read by its fieldset legend, its radiogroup's label, or the text before its first radio. */
function groupLabel(radio: TextControl): string {
  for (let at: Element | null = composedParent(radio); at; at = composedParent(at)) {
    if (at.getAttribute('role') === 'radiogroup') {
      const labelled = at.getAttribute('aria-labelledby');
      const text = (labelled ? byIds(at, labelled) : '') || at.getAttribute('aria-label') || '';
      if (text.trim()) return text;
    }
    if (at.localName === 'fieldset') return fieldsetLegend(radio);
    if (at.localName === 'form') break;
  }
  const label = radio.closest('label');
  return textBefore(label ?? radio);
}

function fieldsetLegend(control: Element): string {
  const fieldset = control.closest('fieldset');
  const legend = fieldset?.querySelector(':scope > legend');
  return legend ? readText(legend).trim() : '';
}

/**
 * The nearest text before `element` in its container, as table-cell and div-and-span forms label their fields:
 * up to three containers out, stopping at another field (its text is that field's, not ours).
 */
function textBefore(element: Element): string {
  let at: Element | null = element;
  for (let depth = 0; at && depth < 3; depth++, at = composedParent(at)) {
    for (let sibling = at.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
      // Another field's text is that field's; a heading names a section, not a field.
      if (sibling.matches(`input, select, textarea, ${HEADINGS}`) || sibling.querySelector('input, select, textarea')) return '';
      const text = readText(sibling).trim();
      if (text) return text;
    }
    let textNode = at.previousSibling;
    while (textNode && textNode.nodeType !== Node.ELEMENT_NODE) {
      if (textNode.nodeType === Node.TEXT_NODE && textNode.nodeValue?.trim()) return textNode.nodeValue.slice(0, 4 * FILL_LIMITS.textChars);
      textNode = textNode.previousSibling;
    }
  }
  return '';
}

/** What the form is called: the heading just before it, else the first heading inside it (a section's, often). */
function formTitle(control: Element): string {
  const form = (control as HTMLInputElement).form ?? control.closest('form');
  const before = headingBefore(form ?? control);
  if (before) return before;
  const inside = form?.querySelector(HEADINGS);
  return inside ? readText(inside) : '';
}

/** Headings per document or shadow root, found once per listing (a page changes between listings). */
let headingLists = new WeakMap<Node, Element[]>();

/** The nearest heading before `element` in its document or shadow root (the section a field sits in). */
function headingBefore(element: Element): string {
  const root = element.getRootNode() as Document | ShadowRoot;
  let headings = headingLists.get(root);
  if (!headings) headingLists.set(root, (headings = [...root.querySelectorAll(HEADINGS)]));
  let best: Element | undefined;
  for (const heading of headings) {
    if (heading.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING) best = heading;
    else break;
  }
  return best ? readText(best) : '';
}

/**
 * Fields that share a small container (two to four fields, the usual day/month/year or area/number boxes)
 * share a cluster number; every other field has its own.
 */
function clusterOf(control: Element, clusters: Map<Element, number>, visible: (element: Element) => boolean): number {
  let at = composedParent(control);
  for (let depth = 0; at && depth < 3; depth++, at = composedParent(at)) {
    if (at.localName === 'form' || at.localName === 'body') break;
    const known = clusters.get(at);
    if (known !== undefined) return known;
    // Counted only as far as it matters (five is already too many), so a container of thousands costs little.
    let inside = 0;
    for (const element of at.querySelectorAll('input, select, textarea')) {
      const type = (element as HTMLInputElement).type;
      if (!NOT_FIELDS.has(type) && type !== 'radio' && type !== 'checkbox' && visible(element) && ++inside > 4) break;
    }
    if (inside >= 2 && inside <= 4) {
      const id = clusters.size + 1;
      clusters.set(at, id);
      return id;
    }
    if (inside > 4) break;
  }
  const id = clusters.size + 1;
  clusters.set(control, id);
  return id;
}
