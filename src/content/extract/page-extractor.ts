import { Readability } from '@mozilla/readability';
import { EXTRACT_LIMITS, type ExtractedPage } from '../../protocol/content-messages';
import { collectText, type CollectedText } from './block-collector';
import { isAdSlot, isNoise, isNonText, isPdf } from '../page/visible-text';

/** Reader mode must keep at least this much text, or the page is read as visible text instead. */
const MIN_ARTICLE_CHARS = 200;

/**
 * Reads the page the user is looking at: Mozilla's Readability (Firefox's reader mode) on a clone of the
 * document, since it rewrites what it parses; when it finds no article (a search page, an app, a short
 * note) the visible text of the live page, which can tell what is hidden.
 */
export function extractPage(doc: Document, selection: string): ExtractedPage {
  const article = readArticle(doc);
  const text = article ?? collectText(doc.body ?? doc.documentElement, isNoise);
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

function readArticle(doc: Document): (CollectedText & { title: string; lang: string }) | null {
  let parsed: ReturnType<Readability<Node>['parse']>;
  try {
    const clone = doc.cloneNode(true) as Document;
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
