// Marks proposed values in place before anything is written: an outline around each field and its proposed value
// beside it, drawn in a layer of Pagewise's own (a closed shadow root over the page, which the page's styles and
// scripts cannot reach) so the page's own nodes are not touched. The marks follow scrolling and resizing, and
// vanish for a field the page removed.
import { OWN_MARK } from '../translate/page-units';

interface Mark {
  element: Element;
  box: HTMLElement;
}

const STYLE = `
  :host { all: initial; position: fixed; inset: 0; pointer-events: none; z-index: 2147483647; }
  .box { position: fixed; box-sizing: border-box; border: 2px solid #7c3aed; border-radius: 4px; background: rgb(124 58 237 / 0.08); }
  .value { position: absolute; inset-block-start: 100%; inset-inline-start: -2px; margin-block-start: 2px; max-inline-size: 24em;
    overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font: 12px/1.4 system-ui, sans-serif; color: #fff;
    background: #5b21b6; border-radius: 3px; padding: 0 6px; unicode-bidi: plaintext; }
`;

export class PreviewMarks {
  private marks: Mark[] = [];
  private readonly layers = new Map<Document, { host: HTMLElement; root: ShadowRoot; stop: AbortController }>();
  private frame = 0;

  show(entries: ReadonlyArray<{ element: Element; shown: string }>): number {
    this.clear();
    for (const { element, shown } of entries) {
      const layer = this.layerFor(element.ownerDocument);
      const doc = element.ownerDocument;
      const box = doc.createElement('div');
      box.className = 'box';
      const value = doc.createElement('div');
      value.className = 'value';
      value.textContent = shown; // model output and profile text are data: text only, never markup
      box.append(value);
      layer.root.append(box);
      this.marks.push({ element, box });
    }
    this.place();
    return this.marks.length;
  }

  clear(): void {
    cancelAnimationFrame(this.frame);
    for (const { host, stop } of this.layers.values()) {
      stop.abort();
      host.remove();
    }
    this.layers.clear();
    this.marks = [];
  }

  private layerFor(doc: Document): { host: HTMLElement; root: ShadowRoot } {
    let layer = this.layers.get(doc);
    if (!layer) {
      const host = doc.createElement('pagewise-fill-marks');
      host.setAttribute(OWN_MARK, '');
      const root = host.attachShadow({ mode: 'closed' });
      const style = doc.createElement('style');
      style.textContent = STYLE;
      root.append(style);
      doc.documentElement.append(host);
      const stop = new AbortController();
      const schedule = (): void => {
        cancelAnimationFrame(this.frame);
        this.frame = requestAnimationFrame(() => this.place());
      };
      doc.addEventListener('scroll', schedule, { capture: true, passive: true, signal: stop.signal });
      doc.defaultView?.addEventListener('resize', schedule, { signal: stop.signal });
      layer = { host, root, stop };
      this.layers.set(doc, layer);
    }
    return layer;
  }

  private place(): void {
    for (const { element, box } of this.marks) {
      const rect = element.isConnected ? markedRect(element) : undefined;
      box.hidden = !rect;
      if (!rect) continue;
      box.style.left = `${rect.left - 3}px`;
      box.style.top = `${rect.top - 3}px`;
      box.style.width = `${rect.width + 6}px`;
      box.style.height = `${rect.height + 6}px`;
    }
  }
}

/** The area a person sees for the field: the input, or for a hidden custom-styled radio or checkbox, its label. */
function markedRect(element: Element): DOMRect | undefined {
  const rect = element.getBoundingClientRect();
  if (rect.width >= 2 && rect.height >= 2) return rect;
  const label = (element as HTMLInputElement).labels?.[0];
  const labelRect = label?.getBoundingClientRect();
  return labelRect && labelRect.width >= 2 ? labelRect : undefined;
}
