// How the page side reaches into the parts of a page that are not plain children: same-origin frames and shadow
// roots (closed ones too, where Chrome gives extensions the key). Shared by every job that walks the page.

/**
 * Node-type checks instead of `instanceof`: nodes of a same-origin frame belong to the frame's window, whose
 * Element is another constructor than ours.
 */
export function isElement(node: Node | null | undefined): node is Element {
  return node?.nodeType === Node.ELEMENT_NODE;
}

/** The frame's document when the page lets us read it (same origin), else null. */
export function sameOriginDocument(frame: HTMLIFrameElement): Document | null {
  try {
    return frame.contentDocument;
  } catch {
    return null;
  }
}

/** Closed shadow roots too, where the browser gives extensions the key (Chrome's dom API). */
export function shadowRootOf(element: Element): ShadowRoot | null {
  const dom = (globalThis as { chrome?: { dom?: { openOrClosedShadowRoot?: (e: HTMLElement) => ShadowRoot | null } } }).chrome?.dom;
  if (dom?.openOrClosedShadowRoot && 'translate' in element) {
    try {
      return dom.openOrClosedShadowRoot(element as HTMLElement);
    } catch {
      return element.shadowRoot;
    }
  }
  return element.shadowRoot;
}

/** The element's parent, stepping out of a shadow root to its host. */
export function composedParent(element: Element): Element | null {
  if (element.parentElement) return element.parentElement;
  const root = element.parentNode;
  return root && 'host' in root && isElement((root as ShadowRoot).host) ? (root as ShadowRoot).host : null;
}
