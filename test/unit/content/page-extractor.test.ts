import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { extractPage } from '../../../src/content/extract/page-extractor';
import { EXTRACT_LIMITS, ExtractedPageSchema } from '../../../src/protocol/content-messages';
import { loadFixture } from './load-fixture';
import { renderExtracted } from './render-extracted';

const FIXTURES = join(import.meta.dirname, '../../fixtures/pages');

describe('extraction of saved article pages', () => {
  it.each([
    ['news-en.html', 'English news article with cookie banner, ads, sidebar, comments and hidden text'],
    ['news-hi.html', 'Hindi (Devanagari) news article'],
    ['blog-th.html', 'Thai blog post without spaces between words'],
    ['news-ar.html', 'Arabic right-to-left article'],
    ['news-zh.html', 'Chinese article'],
    ['search-results.html', 'search results that reader mode rejects (visible-text fallback)'],
  ])('%s: %s reads as the expected text', (file) => {
    const page = extractPage(loadFixture(file), '');
    expect(v.safeParse(ExtractedPageSchema, page).success).toBe(true);
    expect(renderExtracted(page)).toBe(readFileSync(join(FIXTURES, file.replace('.html', '.expected.txt')), 'utf8'));
  });

  it('leaves out navigation, ads, comments, footers, scripts and hidden text', () => {
    const text = renderExtracted(extractPage(loadFixture('news-en.html'), ''));
    for (const noise of ['Business', 'ADVERTISEMENT', 'Related stories', 'Great read', 'All rights reserved', 'HIDDEN TRACKING', 'dataLayer', 'cookies']) {
      expect(text).not.toContain(noise);
    }
  });

  it('the visible-text fallback skips hidden, invisible and form text', () => {
    const page = extractPage(loadFixture('search-results.html'), '');
    expect(page.source).toBe('visible-text');
    const text = renderExtracted(page);
    for (const hidden of ['Secret hidden note', 'Invisible promo code', 'Deals', 'Search', 'console.log']) expect(text).not.toContain(hidden);
  });

  it('carries the user selection, trimmed', () => {
    const page = extractPage(loadFixture('news-en.html'), '  Carriages are expensive and few factories build them.\n');
    expect(page.selection).toBe('Carriages are expensive and few factories build them.');
  });

  it('keeps markup in page text as literal text', () => {
    const doc = loadFixture('news-en.html');
    doc.querySelector('article p:nth-of-type(2)')!.textContent = 'Beware <img src=x onerror=alert(1)> of this. '.repeat(20);
    const text = extractPage(doc, '').blocks.map((block) => block.text).join('\n');
    expect(text).toContain('Beware <img src=x onerror=alert(1)> of this.');
  });

  it('cuts a huge page to the limits, marks it truncated, and the result still passes the schema', () => {
    const doc = loadFixture('news-en.html');
    const article = doc.querySelector('article')!;
    const paragraph = 'A long paragraph about trains that keeps going on and on. '.repeat(150);
    for (let i = 0; i < 200; i++) {
      const p = doc.createElement('p');
      p.textContent = `${i}: ${paragraph}`;
      article.append(p);
    }
    const page = extractPage(doc, 'x'.repeat(EXTRACT_LIMITS.selectionChars + 10));
    expect(page.truncated).toBe(true);
    expect(page.selection.length).toBe(EXTRACT_LIMITS.selectionChars);
    expect(page.blocks.every((block) => block.text.length <= EXTRACT_LIMITS.blockChars)).toBe(true);
    expect(v.safeParse(ExtractedPageSchema, page).success).toBe(true);
  });
});
