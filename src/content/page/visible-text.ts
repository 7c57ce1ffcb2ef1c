/** Code and media that carry no readable text; <meter> and <progress> show a bar, their text is a fallback no one sees. */
const NON_TEXT_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'CANVAS', 'IFRAME', 'OBJECT', 'EMBED', 'METER', 'PROGRESS']);

/**
 * Which elements the visible-text fallback leaves out: code and media that carry no readable text, site
 * chrome (navigation, footers, sidebars), form controls, and anything the user cannot see.
 */
const NOISE_TAGS = new Set([
  ...NON_TEXT_TAGS, 'VIDEO', 'AUDIO', 'IMG',
  'NAV', 'FOOTER', 'ASIDE', 'BUTTON', 'SELECT', 'INPUT', 'TEXTAREA', 'OPTION', 'DIALOG', 'MENU',
]);
const NOISE_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar', 'dialog', 'alert']);

/** Labels sites put on ad slots; reader mode keeps a slot when its placeholder text looks like prose. */
const AD_LABEL = /^(ad|ads|advert|advertisement|sponsored)$/i;

export function isAdSlot(element: Element): boolean {
  const labels = [element.getAttribute('aria-label') ?? '', ...Array.from(element.classList)];
  return labels.some((label) => AD_LABEL.test(label.trim()));
}

/** What reader-mode output still needs stripped: stray code or media it kept. */
export function isNonText(element: Element): boolean {
  return NON_TEXT_TAGS.has(element.tagName.toUpperCase());
}

/**
 * The visible-text walk's `skip` (site chrome, form controls, what a person cannot see) and `quiet` (an element whose
 * own text a person cannot read), judging each element's looks on the live page once: the walk asks `quiet` of the
 * very elements `skip` has just let through.
 */
export function visibleTextJudges(): { skip: (element: Element) => boolean; quiet: (element: Element) => boolean } {
  const verdicts = new Map<Element, ReturnType<typeof unseenText>>();
  const unseen = (element: Element): ReturnType<typeof unseenText> => {
    if (!verdicts.has(element)) verdicts.set(element, unseenText(element));
    return verdicts.get(element);
  };
  return {
    skip: (element) => isSiteNoise(element) || unseen(element) === 'subtree',
    quiet: (element) => unseen(element) === 'own-text',
  };
}

/** What the visible-text fallback leaves out whatever it looks like: code, media, controls, site chrome, ad slots. */
function isSiteNoise(element: Element): boolean {
  if (NOISE_TAGS.has(element.tagName.toUpperCase())) return true;
  if (isAdSlot(element) || element.hasAttribute('hidden') || element.getAttribute('aria-hidden') === 'true') return true;
  const role = element.getAttribute('role');
  return role !== null && NOISE_ROLES.has(role);
}

function isRendered(element: Element): boolean {
  // checkVisibility covers display:none ancestors, content-visibility and (with the flags) visibility/opacity.
  const view = element.ownerDocument.defaultView;
  if (typeof element.checkVisibility === 'function') {
    if (element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) return true;
    // An element laid out as its contents has no box, and checkVisibility says no for it; its children have boxes
    // and are judged one by one (the walk only reaches it through ancestors that were seen). Its own text shows
    // only while it is visible.
    const style = view?.getComputedStyle(element);
    return style?.display === 'contents' && style.visibility === 'visible';
  }
  if (!view) return true;
  const style = view.getComputedStyle(element);
  return style.display !== 'none' && style.visibility !== 'hidden';
}

/**
 * Whether a person can read the element's text on the live page: `subtree` when the element and all inside it are
 * hidden (not rendered, transparent, clipped to nothing, moved off the page), `own-text` when only its own text is
 * (a zero font size or a transparent colour: its children may set their own), undefined when it is seen.
 */
export function unseenText(element: Element): 'subtree' | 'own-text' | undefined {
  if (!isRendered(element)) return 'subtree';
  const view = element.ownerDocument.defaultView;
  if (!view) return undefined;
  const style = view.getComputedStyle(element);
  // Only positioning, a transform or a negative offset moves an element off the page; asking every element for its
  // box made 3,000 nested inline elements cost a second of layout queries.
  if (mayMoveOffPage(style)) {
    const rect = element.getBoundingClientRect();
    if (rect.width > 0 && rect.height > 0 && (rect.right + view.scrollX <= 0 || rect.bottom + view.scrollY <= 0)) return 'subtree';
  }
  if (style.clipPath === 'inset(50%)' || (style.position === 'absolute' && style.clip === 'rect(0px, 0px, 0px, 0px)')) return 'subtree';
  if (![...element.childNodes].some((child) => child.nodeType === 3 /* text */ && child.nodeValue?.trim())) return undefined;
  if (Number.parseFloat(style.fontSize) < 1 || style.color === 'transparent' || /^rgba\(.*,\s*0\)$/.test(style.color)) return 'own-text';
  return undefined;
}

function mayMoveOffPage(style: CSSStyleDeclaration): boolean {
  return (
    style.position !== 'static' ||
    style.transform !== 'none' ||
    (style.translate !== '' && style.translate !== 'none') ||
    Number.parseFloat(style.textIndent) < 0 ||
    Number.parseFloat(style.marginLeft) < 0 ||
    Number.parseFloat(style.marginTop) < 0
  );
}

/**
 * A PDF in the browser's viewer: the tab's document is a wrapper around the viewer's plugin frame, and the text
 * stays inside the viewer, out of a content script's reach.
 */
export function isPdf(doc: Document): boolean {
  return doc.contentType === 'application/pdf';
}
