import { EXTRACT_LIMITS, type PageBlock, type PageHeading } from '../../protocol/content-messages';

/**
 * Turns a DOM subtree into headings and plain-text blocks (paragraphs, list items, table rows), each block
 * tagged with the section it sits in. Text is read with textContent only; nothing here builds HTML.
 * Output stays inside EXTRACT_LIMITS: long blocks are cut at sentence or word ends, and collection stops
 * (marking `truncated`) when the page has more than the limits allow.
 */
export interface CollectedText {
  headings: PageHeading[];
  blocks: PageBlock[];
  truncated: boolean;
}

/** Elements that start a new line of text; everything else is read as part of the surrounding block. */
const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BODY', 'CAPTION', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET',
  'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'HEADER', 'HGROUP', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION',
  'SUMMARY', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD', 'TR', 'UL',
]);
const HEADING = /^H([1-6])$/;
const BLOCK_SELECTOR = [...BLOCK_TAGS, 'H1', 'H2', 'H3', 'H4', 'H5', 'H6'].join(',').toLowerCase();

/**
 * How much of a page one extraction walks. A hostile page chooses its shape: the walk keeps its own stack (no
 * recursion to overflow on 15,000 nested elements), looks each element up once (no subtree search per inline
 * element), and stops, marking the page truncated, after this many nodes or this long on the page's main thread.
 */
export const WALK_CAPS = { nodes: 300_000, ms: 1500 } as const;

/** Marks the walk's stack where a block element ends, so its text is flushed as a block of its own. */
const BLOCK_END = Symbol('block end');

/**
 * `skip` leaves an element and all inside it out; `quiet` (optional) leaves out only the element's own text (a zero
 * font size or a transparent colour on it, which its children may set back).
 */
export function collectText(
  root: Element,
  skip: (element: Element) => boolean,
  caps: { nodes: number; ms: number } = WALK_CAPS,
  quiet: (element: Element) => boolean = () => false,
): CollectedText {
  const out: CollectedText = { headings: [], blocks: [], truncated: false };
  let totalChars = 0;
  let section = -1;
  let buffer = '';
  let preformatted = false;

  const addBlock = (whole: string): void => {
    // Only what can still fit is split: a 10 MB text node must not be cut into pieces that are then thrown away.
    const room = EXTRACT_LIMITS.totalChars - totalChars;
    const text = whole.length > room + 1 ? whole.slice(0, room + 1) : whole;
    for (const piece of splitLong(text, EXTRACT_LIMITS.blockChars)) {
      if (out.blocks.length >= EXTRACT_LIMITS.blocks || totalChars + piece.length > EXTRACT_LIMITS.totalChars) {
        out.truncated = true;
        return;
      }
      out.blocks.push({ text: piece, section });
      totalChars += piece.length;
    }
  };
  const flush = (): void => {
    // trimEnd, not /\s+$/: that pattern backtracks quadratically on a long run of spaces (60,000 took 3 s).
    const text = preformatted ? dropLeadingNewlines(buffer).trimEnd() : normalize(buffer);
    buffer = '';
    if (text && !out.truncated) addBlock(text);
  };

  const quietness = new Map<Element, boolean>();
  const isQuiet = (element: Element | null): boolean => {
    if (!element) return false;
    let verdict = quietness.get(element);
    if (verdict === undefined) quietness.set(element, (verdict = quiet(element)));
    return verdict;
  };
  /** An element's text as the walk reads it: skipped descendants and quiet text left out. */
  const shownText = (element: Element): string => {
    let text = '';
    const pending: Node[] = [element];
    while (pending.length > 0 && text.length <= EXTRACT_LIMITS.totalChars) {
      const node = pending.pop()!;
      if (node.nodeType === 3) {
        if (!isQuiet(node.parentElement)) text += node.nodeValue ?? '';
      } else if (node.nodeType === 1 && (node === element || !skip(node as Element))) {
        for (let child = node.lastChild; child; child = child.previousSibling) pending.push(child);
      }
    }
    return text;
  };
  const holdsBlock = ancestorsOf(root, BLOCK_SELECTOR);
  const holdsTable = ancestorsOf(root, 'table');
  const deadline = performance.now() + caps.ms;
  const stack: (Node | typeof BLOCK_END)[] = [];
  const pushChildren = (parent: Node): void => {
    for (let child = parent.lastChild; child; child = child.previousSibling) stack.push(child);
  };
  pushChildren(root);
  let visited = 0;

  while (stack.length > 0 && !out.truncated) {
    const next = stack.pop()!;
    if (next === BLOCK_END) {
      flush();
      continue;
    }
    if (++visited > caps.nodes || (visited % 512 === 0 && performance.now() > deadline)) {
      out.truncated = true;
      break;
    }
    if (next.nodeType === 3) {
      if (!isQuiet(next.parentElement)) buffer += next.nodeValue ?? '';
      continue;
    }
    if (next.nodeType !== 1) continue;
    const element = next as Element;
    if (skip(element)) continue;
    const tag = element.tagName.toUpperCase();
    const heading = HEADING.exec(tag);
    if (heading) {
      flush();
      const text = normalize(shownText(element)).slice(0, EXTRACT_LIMITS.headingChars);
      if (!text) continue;
      if (out.headings.length >= EXTRACT_LIMITS.headings) {
        out.truncated = true;
        break;
      }
      out.headings.push({ level: Number(heading[1]), text });
      section = out.headings.length - 1;
    } else if (tag === 'BR') {
      buffer += '\n';
    } else if (tag === 'TR' && !holdsTable.has(element)) {
      flush();
      const cells = Array.from(element.children).filter((cell) => !skip(cell));
      buffer = cells.map((cell) => normalize(shownText(cell))).filter(Boolean).join(' | ');
      flush();
    } else if (tag === 'PRE') {
      flush();
      preformatted = true;
      buffer = shownText(element);
      flush();
      preformatted = false;
    } else if (BLOCK_TAGS.has(tag) || holdsBlock.has(element)) {
      flush();
      stack.push(BLOCK_END);
      pushChildren(element);
    } else {
      pushChildren(element);
    }
  }
  flush();
  return out;
}

function dropLeadingNewlines(text: string): string {
  let start = 0;
  while (text.charCodeAt(start) === 10) start++;
  return text.slice(start);
}

/** The elements under `root` with a descendant matching `selector`: each ancestor chain is climbed once. */
function ancestorsOf(root: Element, selector: string): Set<Element> {
  const holders = new Set<Element>();
  for (const match of Array.from(root.querySelectorAll(selector))) {
    for (let up = match.parentElement; up && !holders.has(up); up = up.parentElement) {
      holders.add(up);
      if (up === root) break;
    }
  }
  return holders;
}

/** Collapses runs of whitespace the way a browser renders them (line breaks from <br> survive). */
function normalize(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** Cuts `text` into pieces of at most `max` characters, preferring sentence ends, then spaces. */
export function splitLong(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const sentence = Math.max(...['. ', '! ', '? ', '。', '।', '؟ ', '\n'].map((end) => window.lastIndexOf(end)));
    const space = window.lastIndexOf(' ');
    let cut = sentence > max / 2 ? sentence + 1 : space > max / 2 ? space : max;
    // Never cut a surrogate pair in half: the piece would not be valid text.
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut--;
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) pieces.push(rest);
  return pieces.filter(Boolean);
}
