// Marks the fields that have a proposal before anything is written: an outline around each and its number in the
// side panel's list, drawn in a layer of Pagewise's own (a closed shadow root over the page) so the page's own
// nodes are not touched. No value is drawn: text in the page, even in a closed shadow root, can be read back by
// the page (window.find), and the user has not accepted anything yet. The layer's box is set inline with
// !important, so page styles on its element cannot move the marks. The marks follow scrolling and resizing, and
// vanish for a field the page removed.
import { OWN_MARK } from '../translate/page-units';

interface Mark {
  element: Element;
  box: HTMLElement;
}

const STYLE = `
  :host { all: initial; position: fixed; inset: 0; pointer-events: none; z-index: 2147483647; }
  .box { position: fixed; box-sizing: border-box; border: 2px solid #7c3aed; border-radius: 4px; background: rgb(124 58 237 / 0.08); }
  .value { position: absolute; inset-block-start: -9px; inset-inline-start: -9px; min-inline-size: 16px; box-sizing: border-box;
    text-align: center; font: bold 11px/16px system-ui, sans-serif; color: #fff; background: #5b21b6; border-radius: 8px; padding: 0 4px; }
`;

export class PreviewMarks {
  private marks: Mark[] = [];
  private readonly layers = new Map<Document, { host: HTMLElement; root: ShadowRoot; stop: AbortController }>();
  private frame = 0;

  show(entries: ReadonlyArray<{ element: Element; number: number }>): number {
    this.clear();
    for (const { element, number } of entries) {
      const layer = this.layerFor(element.ownerDocument);
      const doc = element.ownerDocument;
      const box = doc.createElement('div');
      box.className = 'box';
      const value = doc.createElement('div');
      value.className = 'value';
      value.textContent = String(number);
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
      for (const [property, value] of [['position', 'fixed'], ['inset', '0'], ['transform', 'none'], ['display', 'block'], ['pointer-events', 'none'], ['z-index', '2147483647'], ['margin', '0'], ['filter', 'none'], ['opacity', '1'], ['clip-path', 'none'], ['contain', 'none']]) {
        host.style.setProperty(property!, value!, 'important');
      }
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
