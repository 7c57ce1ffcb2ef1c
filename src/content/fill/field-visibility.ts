// Whether a person can see a form field. Honeypots (fields a site hides from people to catch bots, and fields a
// hostile page hides to collect what an autofiller writes) use every trick that keeps a field in the layout but
// out of sight; a field a person fills uses none of them. A field that fails here is not listed, so nothing is
// ever proposed for it or written into it.
import { composedParent } from '../page/dom-reach';

/** Thinner than this, a box is a line, not a field. */
const SPECK_PX = 6;
/** Smaller than this both ways, a box is a speck (a checkbox, the smallest real field, is 13 px). */
const DOT_PX = 12;
/** Opacity below this, along the field and its ancestors, reads as invisible. */
const MIN_OPACITY = 0.1;

export function isVisible(element: Element): boolean {
  const view = element.ownerDocument.defaultView;
  if (!view) return false;
  const checked = element as Element & { checkVisibility?: (options: object) => boolean };
  if (checked.checkVisibility && !checked.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true, contentVisibilityAuto: true })) return false;
  const rect = element.getBoundingClientRect();
  if (rect.width < SPECK_PX || rect.height < SPECK_PX || (rect.width < DOT_PX && rect.height < DOT_PX)) return false;
  // Off the page: left or above its start, or beyond its end (the page's width, where it does not scroll sideways).
  const page = element.ownerDocument.documentElement;
  if (rect.right + view.scrollX <= 0 || rect.bottom + view.scrollY <= 0) return false;
  const scrolls = (axis: 'overflowX' | 'overflowY'): boolean =>
    [page, element.ownerDocument.body].every((box) => !box || !['hidden', 'clip'].includes(view.getComputedStyle(box)[axis]));
  const width = scrolls('overflowX') ? Math.max(page.scrollWidth, page.clientWidth) : page.clientWidth;
  const height = scrolls('overflowY') ? Math.max(page.scrollHeight, page.clientHeight) : page.clientHeight;
  const seen = visibleBox(element, rect, view);
  if (!seen) return false;
  // Past the page's end, unless a scrolling box holds it (its content is not part of the page's length).
  if (!seen.inScroller && (rect.left + view.scrollX >= width || rect.top + view.scrollY >= height)) return false;
  // Only the part showing now can be asked what is on top of it (a field scrolled inside a dialog is not covered).
  return !seen.showing || !covered(element, seen.showing, view);
}

/**
 * The part of the field its ancestors let show: clipped by every ancestor that clips (overflow other than
 * visible), never through a `clip` or a non-trivial `clip-path`, and not faded out along the way. Undefined when
 * nothing of it shows.
 */
type Box = { left: number; top: number; right: number; bottom: number };

function visibleBox(element: Element, rect: DOMRect, view: Window): { showing: Box | undefined; inScroller: boolean } | undefined {
  let { left, top, right, bottom } = rect;
  /** What shows of it at this scroll position: clipped by scrolling boxes as well. */
  const now: Box = { left, top, right, bottom };
  let inScroller = false;
  let opacity = 1;
  for (let at: Element | null = element; at; at = composedParent(at)) {
    const style = view.getComputedStyle(at);
    opacity *= Number.parseFloat(style.opacity) || 0;
    if (opacity < MIN_OPACITY || /opacity\(0(\.0*)?%?\)/.test(style.filter)) return undefined;
    if (style.clip !== 'auto' && style.clip !== '' && style.position !== 'static') return undefined;
    if (style.clipPath !== 'none' && style.clipPath !== '' && !/^inset\(0(px|%)?( round .*)?\)$/.test(style.clipPath)) return undefined;
    if (at !== element && at.localName !== 'html' && at.localName !== 'body') {
      const box = at.getBoundingClientRect();
      // A box that hides what overflows it clips the field; one that scrolls only has to be big enough to scroll
      // in (a long form in a scrolling dialog is seen as the person scrolls; a scroller of no size hides it).
      const hides = (overflow: string): boolean => overflow === 'hidden' || overflow === 'clip';
      if (hides(style.overflowX)) {
        left = Math.max(left, box.left);
        right = Math.min(right, box.right);
      }
      if (hides(style.overflowY)) {
        top = Math.max(top, box.top);
        bottom = Math.min(bottom, box.bottom);
      }
      if (right - left < SPECK_PX || bottom - top < SPECK_PX) return undefined;
      if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
        if (box.width < SPECK_PX || box.height < SPECK_PX) return undefined;
        if (!hides(style.overflowX) || !hides(style.overflowY)) inScroller = true;
        if (style.overflowX !== 'visible') [now.left, now.right] = [Math.max(now.left, box.left), Math.min(now.right, box.right)];
        if (style.overflowY !== 'visible') [now.top, now.bottom] = [Math.max(now.top, box.top), Math.min(now.bottom, box.bottom)];
      }
    }
  }
  return { showing: now.right - now.left >= SPECK_PX && now.bottom - now.top >= SPECK_PX ? now : undefined, inScroller };
}

/**
 * Covered by something else where a person would look. Only what is in the viewport can be asked; a fixed or
 * sticky bar over a field is the page's chrome scrolled over it, not a hiding place, and a field's own label
 * (floating labels sit on top of their field) is not cover.
 */
function covered(element: Element, box: Box, view: Window): boolean {
  const x = (box.left + box.right) / 2;
  const y = (box.top + box.bottom) / 2;
  if (x < 0 || y < 0 || x >= view.innerWidth || y >= view.innerHeight) return false;
  const root = element.getRootNode() as Document | ShadowRoot;
  const hit = root.elementFromPoint?.(x, y);
  if (!hit || hit === element || element.contains(hit) || hit.contains(element)) return false;
  if ([...((element as HTMLInputElement).labels ?? [])].some((label) => label.contains(hit))) return false;
  for (let at: Element | null = hit; at; at = composedParent(at)) {
    const position = view.getComputedStyle(at).position;
    if (position === 'fixed' || position === 'sticky') return false;
  }
  return true;
}
