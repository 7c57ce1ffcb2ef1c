import { Readability } from '@mozilla/readability';
import { EXTRACT_LIMITS, type ExtractedPage } from '../../protocol/content-messages';
import { collectText, WALK_CAPS, type CollectedText } from './block-collector';
import { isAdSlot, isNonText, isPdf, unseenText, visibleTextJudges } from '../page/visible-text';

/** Reader mode must keep at least this much text, or the page is read as visible text instead. */
const MIN_ARTICLE_CHARS = 200;

/**
 * Reader mode recurses through the tree, so a page nested deeper than this (only a script can build one: the
 * HTML parser flattens markup past 512) is read as visible text, which keeps its own stack. 15,000 nested
 * elements took Readability 1.4 s to overflow.
 */
const MAX_READER_DEPTH = 500;

/**
 * Reads the page the user is looking at: Mozilla's Readability (Firefox's reader mode) on a clone of the
 * document, since it rewrites what it parses; when it finds no article (a search page, an app, a short
 * note) the visible text of the live page, which can tell what is hidden.
 */
export function extractPage(doc: Document, selection: string): ExtractedPage {
  const article = readArticle(doc);
  const text = article ?? visibleText(doc);
  return {
    url: doc.location?.href.slice(0, 8192) ?? '',
    title: (doc.title.trim() || article?.title || '').slice(0, 2048),
    lang: (doc.documentElement.lang || article?.lang || '').slice(0, 64),
    pdf: isPdf(doc),
    source: article ? 'article' : 'visible-text',
    headings: text.headings,
    blocks: text.blocks,
    selection: selection.trim().slice(0, EXTRACT_LIMITS.selectionChars),
    truncated: text.truncated,
  };
}

/** The page's visible text, each element judged on the live page once. */
function visibleText(doc: Document): CollectedText {
  const { skip, quiet } = visibleTextJudges();
  return collectText(doc.body ?? doc.documentElement, skip, WALK_CAPS, quiet);
}

function readArticle(doc: Document): (CollectedText & { title: string; lang: string }) | null {
  let parsed: ReturnType<Readability<Node>['parse']>;
  if (doc.body && nestedDeeperThan(doc.body, MAX_READER_DEPTH)) return null;
  try {
    const clone = doc.cloneNode(true) as Document;
    if (!dropUnseen(doc, clone)) return null;
    // Reader mode unwraps an ad slot's lone paragraph (losing its label), so slots go before it runs.
    for (const slot of Array.from(clone.querySelectorAll('[aria-label], [class]')).filter(isAdSlot)) slot.remove();
    // The serializer hands back the article's DOM node, so headings and paragraphs keep their structure.
    parsed = new Readability<Node>(clone, { serializer: (node) => node }).parse();
  } catch {
    return null;
  }
  const content = parsed?.content;
  if (!content || content.nodeType !== 1) return null;
  const collected = collectText(content as Element, isNonText);
  const chars = collected.blocks.reduce((sum, block) => sum + block.text.length, 0);
  if (chars < MIN_ARTICLE_CHARS) return null;
  return { ...collected, title: parsed?.title ?? '', lang: parsed?.lang ?? '' };
}

/** Whether any element under `root` sits more than `limit` levels down; walked without recursion, once. */
function nestedDeeperThan(root: Element, limit: number): boolean {
  let node: Element | null = root;
  let depth = 0;
  while (node) {
    const child: Element | null = node.firstElementChild;
    if (child) {
      if (++depth > limit) return true;
      node = child;
      continue;
    }
    while (node !== root && !node.nextElementSibling) {
      node = node.parentElement!;
      depth--;
    }
    if (node === root) return false;
    node = node.nextElementSibling;
  }
  return false;
}

/** Node.TEXT_NODE, without the global: the extractor also reads documents of other windows (and of happy-dom in tests). */
const TEXT_NODE = 3;

/**
 * Elements whose looks the live page is asked about for reader mode. A page with more is read as visible text,
 * which judges every element it reads: otherwise a page could spend the budget on a hidden box of cheap elements
 * and let hidden text after it through.
 */
const LOOKS_CHECKED = 50_000;

/**
 * Reader mode reads a clone, which has no styles: text the live page hides (a stylesheet class, moved off the
 * page, a zero font size, a transparent colour) would reach the model as if a person could read it, and a page
 * could plant instructions there. The clone is a copy made a moment ago, so its elements line up one to one with
 * the live page's: each is judged on the live page and dropped from the clone.
 */
function dropUnseen(doc: Document, clone: Document): boolean {
  const live = doc.querySelectorAll('body *');
  const copy = clone.querySelectorAll('body *');
  if (live.length !== copy.length || live.length > LOOKS_CHECKED) return false;
  const drop: Element[] = [];
  const quiet: Element[] = [];
  let hidden: Element | undefined;
  for (let i = 0; i < live.length; i++) {
    const element = live[i]!;
    if (hidden?.contains(element)) continue;
    const verdict = unseenText(element);
    if (verdict === 'subtree') {
      hidden = element;
      drop.push(copy[i]!);
    } else if (verdict === 'own-text') {
      quiet.push(copy[i]!);
    }
  }
  for (const element of drop) element.remove();
  // Only the element's own text: a zero font size on a list is a common way to close gaps between its items, whose own size is set again.
  for (const element of quiet) for (const child of [...element.childNodes]) if (child.nodeType === TEXT_NODE) child.remove();
  return true;
}

