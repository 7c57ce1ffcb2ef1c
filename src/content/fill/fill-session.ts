// One fill of one page, on the page side: the listing and its live nodes, the marks of a preview, the writes of
// an apply and what they replaced. Every write is checked again just before it happens (same element, still
// visible and editable, nobody typed in it since, the value within the field's own constraints) and checked
// once more a moment after, so a page script that wipes the value is reported, not hidden. Never submits.
import type { FieldOutcome, FieldWrite, FormListing } from '../../protocol';
import { collectFields, fillable, isVisible, type FieldCollectOptions, type FieldNodes } from './field-collector';
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
  private written: Written[] = [];

  constructor(
    private readonly doc: Document,
    private readonly options: FieldCollectOptions,
  ) {}

  collect(): FormListing {
    this.marks.clear();
    this.stopListening.abort();
    this.stopListening = new AbortController();
    this.typedSince.clear();
    this.written = [];
    const { listing, nodes } = collectFields(this.doc, this.options);
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

  preview(proposals: ReadonlyArray<{ fieldId: string; shown: string }>): number {
    const entries = proposals.flatMap(({ fieldId, shown }) => {
      const element = this.listed.get(fieldId)?.nodes.elements[0];
      return element ? [{ element, shown }] : [];
    });
    return this.marks.show(entries);
  }

  async apply(writes: readonly FieldWrite[], allowSensitive: boolean): Promise<FieldOutcome[]> {
    this.marks.clear();
    const outcomes: FieldOutcome[] = [];
    const done: Written[] = [];
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
    }
    await settle(this.doc);
    for (const { id, nodes, after } of done) {
      const now = currentValue(nodes);
      outcomes.push(now === after ? { id, outcome: 'written', reason: '' } : { id, outcome: 'wiped', reason: now ? 'The page changed the value again right after it was filled.' : 'The page cleared the value right after it was filled.' });
    }
    return order(outcomes, writes);
  }

  /** Puts back what the applies of this fill replaced, last first, where the value is still the one Pagewise wrote. */
  async undo(): Promise<FieldOutcome[]> {
    this.marks.clear();
    const outcomes: FieldOutcome[] = [];
    const records = this.written.reverse();
    this.written = [];
    const restored = new Set<string>();
    for (const { id, nodes, before, after } of records) {
      if (restored.has(id)) continue;
      restored.add(id);
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
    return outcomes;
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
