/**
 * Which elements the visible-text fallback leaves out: code and media that carry no readable text, site
 * chrome (navigation, footers, sidebars), form controls, and anything the user cannot see.
 */
const NOISE_TAGS = new Set([
  'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'CANVAS', 'IFRAME', 'OBJECT', 'EMBED', 'VIDEO', 'AUDIO', 'IMG',
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
  return ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'CANVAS', 'IFRAME', 'OBJECT', 'EMBED'].includes(element.tagName.toUpperCase());
}

export function isNoise(element: Element): boolean {
  if (NOISE_TAGS.has(element.tagName.toUpperCase())) return true;
  if (isAdSlot(element) || element.hasAttribute('hidden') || element.getAttribute('aria-hidden') === 'true') return true;
  const role = element.getAttribute('role');
  if (role && NOISE_ROLES.has(role)) return true;
  return !isRendered(element);
}

function isRendered(element: Element): boolean {
  // checkVisibility covers display:none ancestors, content-visibility and (with the flags) visibility/opacity.
  if (typeof element.checkVisibility === 'function') {
    return element.checkVisibility({ visibilityProperty: true, opacityProperty: true });
  }
  const view = element.ownerDocument.defaultView;
  if (!view) return true;
  const style = view.getComputedStyle(element);
  return style.display !== 'none' && style.visibility !== 'hidden';
}

/**
 * A PDF in the browser's viewer: the tab's document is a wrapper around the viewer's plugin frame, and the text
 * stays inside the viewer, out of a content script's reach.
 */
export function isPdf(doc: Document): boolean {
  return doc.contentType === 'application/pdf';
}
