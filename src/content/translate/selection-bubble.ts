// The translation of a selection, shown in a bubble by the selection that leaves the page as it is: one element
// of ours holding a closed shadow root (the page's styles and scripts cannot reach into it), text only.
import { OWN_MARK } from './page-units';
import { directionOf, typeFor } from './text-direction';

const STYLE = `
  :host { all: initial; }
  .bubble { position: fixed; z-index: 2147483647; max-width: min(28rem, 90vw); max-height: 40vh; overflow: auto;
    box-sizing: border-box; padding: 0.6rem 2rem 0.6rem 0.8rem; border-radius: 8px; font: 15px/1.5 system-ui, sans-serif;
    background: Canvas; color: CanvasText; border: 1px solid GrayText; box-shadow: 0 4px 18px rgb(0 0 0 / 25%); }
  .close { position: absolute; inset-block-start: 0.3rem; inset-inline-end: 0.3rem; border: 0; background: none;
    color: inherit; font: inherit; cursor: pointer; padding: 0 0.3rem; }
  .working { opacity: 0.7; font-style: italic; }
`;

let current: { host: HTMLElement; close: () => void } | undefined;

export interface BubbleContent {
  state: 'working' | 'done' | 'error';
  text: string;
  /** The language of `text` (the target), for `lang`, direction and type. */
  language: string;
  closeLabel: string;
}

/** Shows (or updates) the bubble next to the current selection. */
export function showSelectionBubble(content: BubbleContent): void {
  // The page may have removed our element: start a new one rather than write into a detached one.
  if (!current?.host.isConnected) current = createBubble();
  const root = (current.host as HTMLElement & { __root?: ShadowRoot }).__root!;
  const bubble = root.querySelector<HTMLElement>('.bubble')!;
  const text = root.querySelector<HTMLElement>('.text')!;
  text.textContent = content.text;
  text.className = `text ${content.state === 'working' ? 'working' : ''}`;
  if (content.state === 'done') {
    text.lang = content.language;
    text.dir = directionOf(content.language);
    const { fontFamily, lineHeight } = typeFor(content.language, 'system-ui, sans-serif');
    text.style.fontFamily = fontFamily;
    text.style.lineHeight = lineHeight;
  }
  root.querySelector<HTMLButtonElement>('.close')!.setAttribute('aria-label', content.closeLabel);
  bubble.setAttribute('role', content.state === 'error' ? 'alert' : 'status');
  place(bubble);
}

function createBubble(): { host: HTMLElement; close: () => void } {
  const host = document.createElement('pagewise-bubble');
  host.setAttribute(OWN_MARK, 'bubble');
  const root = host.attachShadow({ mode: 'closed' });
  (host as HTMLElement & { __root?: ShadowRoot }).__root = root;
  const style = document.createElement('style');
  style.textContent = STYLE;
  const bubble = document.createElement('div');
  bubble.className = 'bubble';
  const text = document.createElement('div');
  text.className = 'text';
  const close = document.createElement('button');
  close.className = 'close';
  close.type = 'button';
  close.textContent = '×';
  bubble.append(text, close);
  root.append(style, bubble);
  document.documentElement.append(host);
  const remove = (): void => {
    host.remove();
    removeEventListener('keydown', onKey, true);
    current = undefined;
  };
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') remove();
  };
  close.addEventListener('click', remove);
  addEventListener('keydown', onKey, true);
  return { host, close: remove };
}

/** Below the selection when there is room, above it otherwise; inside the viewport either way. */
function place(bubble: HTMLElement): void {
  const selection = getSelection();
  const box = selection && selection.rangeCount > 0 ? selection.getRangeAt(0).getBoundingClientRect() : new DOMRect(innerWidth / 2, innerHeight / 3, 0, 0);
  const height = bubble.offsetHeight || 80;
  const width = bubble.offsetWidth || 320;
  const top = box.bottom + 8 + height < innerHeight ? box.bottom + 8 : Math.max(8, box.top - 8 - height);
  bubble.style.top = `${Math.round(top)}px`;
  bubble.style.left = `${Math.round(Math.min(Math.max(8, box.left), innerWidth - width - 8))}px`;
}
