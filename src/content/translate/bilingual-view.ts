// Bilingual display: the translation as a block beneath the original, which stays untouched. The copy is text
// only (textContent), inherits the page's font size, and never fixes a height, so a layout built for the original
// grows rather than overflows. Copies carry OWN_MARK: the collector and the mutation watcher leave them alone.
import { OWN_MARK, type TextUnit } from './page-units';
import { directionOf, typeFor } from './text-direction';

export class BilingualView {
  private readonly copies = new Map<number, HTMLElement>();

  show(unit: TextUnit, text: string, language: string): void {
    this.remove(unit.id);
    const last = unit.nodes[unit.nodes.length - 1];
    if (!last || last.parentNode !== unit.parent) return;
    const copy = document.createElement('span');
    copy.setAttribute(OWN_MARK, 'bilingual');
    copy.lang = language;
    copy.dir = directionOf(language);
    const view = unit.element.ownerDocument.defaultView;
    const { fontFamily, lineHeight } = typeFor(language, view ? view.getComputedStyle(unit.element).fontFamily : '');
    copy.style.setProperty('display', 'block', 'important');
    copy.style.setProperty('font-size', 'inherit');
    copy.style.setProperty('font-family', fontFamily);
    copy.style.setProperty('line-height', lineHeight);
    copy.style.setProperty('margin-block-start', '0.25em');
    copy.style.setProperty('unicode-bidi', 'isolate');
    copy.style.setProperty('opacity', '0.85');
    copy.textContent = text;
    unit.parent.insertBefore(copy, last.nextSibling);
    this.copies.set(unit.id, copy);
  }

  remove(id: number): void {
    this.copies.get(id)?.remove();
    this.copies.delete(id);
  }

  clear(): void {
    for (const copy of this.copies.values()) copy.remove();
    this.copies.clear();
  }
}
