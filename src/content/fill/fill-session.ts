// One fill of one page, on the page side: the listing and its live nodes, the marks of a preview, the writes of
// an apply and what they replaced. Every write is checked again just before it happens (same element, still
// visible and editable, nobody typed in it since, the value within the field's own constraints) and checked
// once more a moment after, so a page script that wipes the value is reported, not hidden. Never submits.
import type { FieldOutcome, FieldWrite, FormListing } from '../../protocol';
import { collectFields, fillable, type FieldCollectOptions, type FieldNodes } from './field-collector';
import { isVisible } from './field-visibility';
import { PreviewMarks } from './fill-preview';
import { currentValue, writeValue } from './field-writer';

interface Listed {
  nodes: FieldNodes;
  /** What identified each element when it was listed. */
  identity: string[];
  valueAtListing: string;
}

interface Written {
  id: string;
  nodes: FieldNodes;
  before: string;
  after: string;
}

/** How long a page has to undo a write before Pagewise looks again (framework re-renders land within a frame or two). */
const SETTLE_MS = 400;

export class FillSession {
  private listed = new Map<string, Listed>();
  private typedSince = new Set<string>();
  private stopListening = new AbortController();
  private readonly marks = new PreviewMarks();
  /** Every write of this page's fills, for undo; kept across listings (the nodes are the same). */
  private written: Written[] = [];
  /** What Pagewise last wrote into each field: a field still holding it is not one a person typed in. */
  private readonly ownValues = new WeakMap<Element, string>();

  constructor(
    private readonly doc: Document,
    private readonly options: FieldCollectOptions,
  ) {}

  async collect(): Promise<FormListing> {
    this.marks.clear();
    this.stopListening.abort();
    this.stopListening = new AbortController();
    this.typedSince.clear();
    const { listing, nodes } = await collectFields(this.doc, { ...this.options, ownValue: (element) => this.ownValues.get(element) });
    this.listed = new Map();
    for (const [id, entry] of nodes) {
      this.listed.set(id, { nodes: entry, identity: entry.elements.map(identityOf), valueAtListing: currentValue(entry) });
      // A person typing after the listing wins over the plan: only trusted events, which a page cannot make.
      for (const element of entry.elements) {
        for (const type of ['input', 'change']) {
          element.addEventListener(type, (event) => {
            if (event.isTrusted) this.typedSince.add(id);
          }, { capture: true, signal: this.stopListening.signal });
        }
      }
    }
    return listing;
  }

  preview(marks: ReadonlyArray<{ fieldId: string; number: number }>): number {
    const entries = marks.flatMap(({ fieldId, number }) => {
      const element = this.listed.get(fieldId)?.nodes.elements[0];
      return element ? [{ element, number }] : [];
    });
    return this.marks.show(entries);
  }

  async apply(writes: readonly FieldWrite[], allowSensitive: boolean): Promise<{ outcomes: FieldOutcome[]; blockedSubmits: number }> {
    this.marks.clear();
    const outcomes: FieldOutcome[] = [];
    const done: Written[] = [];
    const guard = this.stopSubmits();
    for (const write of writes) {
      const listed = this.listed.get(write.id);
      const refusal = listed ? this.whyNot(write, listed, allowSensitive) : 'This field was not listed for this fill.';
      if (refusal) {
        outcomes.push({ id: write.id, outcome: 'refused', reason: refusal });
        continue;
      }
      const { nodes } = listed!;
      const before = currentValue(nodes);
      if (!writeValue(nodes, 'checked' in write ? { checked: write.checked } : { value: write.value })) {
        outcomes.push({ id: write.id, outcome: 'refused', reason: 'The page did not take the value.' });
        continue;
      }
      const after = currentValue(nodes);
      const record = { id: write.id, nodes, before, after };
      done.push(record);
      this.written.push(record);
      this.ownValues.set(nodes.elements[0]!, after);
    }
    await settle(this.doc);
    const blockedSubmits = guard.stop();
    for (const { id, nodes, after } of done) {
      const now = currentValue(nodes);
      outcomes.push(now === after ? { id, outcome: 'written', reason: '' } : { id, outcome: 'wiped', reason: now ? 'The page changed the value again right after it was filled.' : 'The page cleared the value right after it was filled.' });
    }
    return { outcomes: order(outcomes, writes), blockedSubmits };
  }

  /** Puts back what the applies of this fill replaced, last first, where the value is still the one Pagewise wrote. */
  async undo(): Promise<{ outcomes: FieldOutcome[]; blockedSubmits: number }> {
    this.marks.clear();
    const outcomes: FieldOutcome[] = [];
    const guard = this.stopSubmits();
    const records = this.written.reverse();
    this.written = [];
    // By node, not id: ids are per listing, and one field may have been filled in two listings (its first value wins).
    const latest = new Map<Element, Written>();
    for (const record of records) if (!latest.has(record.nodes.elements[0]!)) latest.set(record.nodes.elements[0]!, record);
    const earliest = new Map<Element, string>();
    for (const record of [...records].reverse()) if (!earliest.has(record.nodes.elements[0]!)) earliest.set(record.nodes.elements[0]!, record.before);
    for (const [element, { id, nodes, after }] of latest) {
      const before = earliest.get(element)!;
      this.ownValues.delete(element);
      if (!nodes.elements.every((element) => element.isConnected)) {
        outcomes.push({ id, outcome: 'refused', reason: 'The page removed this field.' });
      } else if (currentValue(nodes) !== after) {
        outcomes.push({ id, outcome: 'refused', reason: 'The value was changed after the fill; it is left as it is now.' });
      } else {
        const change = nodes.field.control === 'checkbox' ? { checked: before === 'on' } : { value: before };
        if (nodes.field.control === 'radio-group' && before === '') {
          // A group with nothing chosen cannot be unchosen by clicking: the browser's own property does it.
          for (const radio of nodes.elements as HTMLInputElement[]) radio.checked = false;
        } else {
          writeValue(nodes, change);
        }
        outcomes.push({ id, outcome: 'restored', reason: '' });
      }
    }
    await settle(this.doc);
    return { outcomes, blockedSubmits: guard.stop() };
  }

  /**
   * A page may send its form from its own input, change or click listeners, which writing sets off: until
   * `stop`, any submit in the documents of the listed fields is stopped and counted, so "never submits" holds
   * for what Pagewise sets off. (A page calling `form.submit()` fires no event; that is the page's own doing.)
   */
  private stopSubmits(): { stop: () => number } {
    const guard = new AbortController();
    let blocked = 0;
    const windows = new Set([this.doc.defaultView, ...[...this.listed.values()].flatMap((entry) => entry.nodes.elements.map((element) => element.ownerDocument.defaultView))]);
    for (const view of windows) {
      view?.addEventListener('submit', (event) => {
        blocked++;
        event.preventDefault();
        event.stopImmediatePropagation();
      }, { capture: true, signal: guard.signal });
    }
    return {
      stop: () => {
        guard.abort();
        return blocked;
      },
    };
  }

  /** Why `write` must not happen now, or undefined when it may. */
  private whyNot(write: FieldWrite, listed: Listed, allowSensitive: boolean): string | undefined {
    const { nodes, identity } = listed;
    const { field } = nodes;
    if (!nodes.elements.every((element, i) => element.isConnected && identityOf(element) === identity[i])) return 'The page replaced this field since it was listed.';
    if (!nodes.elements.some((element) => fillable(element, this.options.isVisible ?? isVisible))) return 'The field is hidden, disabled or read-only now.';
    if (field.typed || this.typedSince.has(field.id)) return 'You typed in this field; Pagewise leaves it as it is.';
    if (currentValue(nodes) !== listed.valueAtListing) return 'The field changed since it was listed.';
    if (field.sensitive && !allowSensitive) return 'Password and card fields are filled only when you allow it for this fill.';
    if ('checked' in write) return field.control === 'checkbox' ? undefined : 'Only a checkbox can be checked.';
    if (field.control === 'checkbox') return 'A checkbox takes checked or not, not text.';
    const element = nodes.elements[0]!;
    if (field.control === 'select' || field.control === 'radio-group') {
      const values = field.control === 'select' ? [...(element as HTMLSelectElement).options].map((o) => o.value) : (nodes.elements as HTMLInputElement[]).map((r) => r.value);
      return values.includes(write.value) ? undefined : 'There is no such option.';
    }
    const text = element as HTMLInputElement | HTMLTextAreaElement;
    if (text.maxLength >= 0 && write.value.length > text.maxLength) return `The field takes at most ${text.maxLength} characters.`;
    if (element.localName === 'input' && !matchesPattern((element as HTMLInputElement).pattern, write.value)) return 'The value does not have the form the field asks for.';
    return undefined;
  }
}

function identityOf(element: Element): string {
  return [element.localName, element.id, element.getAttribute('name') ?? '', (element as HTMLInputElement).type ?? ''].join('\u0000');
}

/** The page's own `pattern`, as the browser reads it (whole value, `v` flag); a pattern it cannot compile constrains nothing. */
function matchesPattern(pattern: string, value: string): boolean {
  if (!pattern || value === '') return true;
  try {
    return new RegExp(`^(?:${pattern})$`, 'v').test(value);
  } catch {
    return true;
  }
}

/** Lets the page react (its listeners, a framework's re-render) before the values are read again. */
async function settle(doc: Document): Promise<void> {
  const view = doc.defaultView ?? window;
  // Frames do not come in a tab the user cannot see: the timeout stands in for them there.
  await Promise.race([
    new Promise<void>((resolve) => view.requestAnimationFrame(() => view.requestAnimationFrame(() => resolve()))),
    new Promise((resolve) => setTimeout(resolve, 100)),
  ]);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

function order(outcomes: FieldOutcome[], writes: readonly FieldWrite[]): FieldOutcome[] {
  const at = new Map(writes.map((write, i) => [write.id, i]));
  return outcomes.sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
}
