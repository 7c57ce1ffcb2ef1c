import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { collectText, WALK_CAPS } from '../../../src/content/extract/block-collector';
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

describe('the walk over a hostile page shape', () => {
  const emptyPage = () => {
    const doc = loadFixture('news-en.html');
    doc.body.replaceChildren();
    return doc;
  };

  // happy-dom's own querySelectorAll recurses and overflows at a few thousand levels: the e2e test
  // (extract-hostile-shapes) reads 15,000 in Chromium; this one checks the order of the walk.
  it('reads the text at every level of 2,000 nested elements, in order', () => {
    const doc = emptyPage();
    let parent: Element = doc.body;
    for (let i = 0; i < 2000; i++) {
      const div = doc.createElement('div');
      if (i % 100 === 0) div.append(`Level ${i} of a deep page. `);
      parent.append(div);
      parent = div;
    }
    parent.append('BOTTOM');
    const text = collectText(doc.body, () => false).blocks.map((block) => block.text);
    expect(text).toEqual([...Array.from({ length: 20 }, (_, i) => `Level ${i * 100} of a deep page.`), 'BOTTOM']);
  });

  it('stops after its node cap, and says the page was cut', () => {
    const doc = emptyPage();
    for (let i = 0; i < 300; i++) doc.body.append(Object.assign(doc.createElement('p'), { textContent: `Paragraph ${i}.` }));
    const collected = collectText(doc.body, () => false, { nodes: 100, ms: 60_000 });
    expect(collected.truncated).toBe(true);
    expect(collected.blocks.length).toBeGreaterThan(10);
    expect(collected.blocks.length).toBeLessThan(100);
  });

  it('stops when its time is up, and says the page was cut', () => {
    const doc = emptyPage();
    for (let i = 0; i < 3000; i++) doc.body.append(Object.assign(doc.createElement('p'), { textContent: `Paragraph ${i}.` }));
    const collected = collectText(doc.body, () => false, { nodes: 1e9, ms: -1 });
    expect(collected.truncated).toBe(true);
    expect(collected.blocks.length).toBeLessThan(3000);
  });

  it('a table row holding a table is walked as blocks, not as one row of cells', () => {
    const doc = emptyPage();
    const row = (...cells: (string | Element)[]) => {
      const tr = doc.createElement('tr');
      for (const cell of cells) tr.appendChild(doc.createElement('td')).append(cell);
      return tr;
    };
    const table = (...rows: Element[]) => {
      const element = doc.createElement('table');
      element.append(...rows);
      return element;
    };
    doc.body.append(table(row(table(row('inner a', 'inner b'))), row('x', 'y')));
    expect(collectText(doc.body, () => false).blocks.map((block) => block.text)).toEqual(['inner a | inner b', 'x | y']);
  });

  it('a <pre> of 200,000 spaces is read in linear time', () => {
    const doc = emptyPage();
    doc.body.append(Object.assign(doc.createElement('pre'), { textContent: `a${' '.repeat(200_000)}b${' '.repeat(200_000)}` }));
    const started = performance.now();
    const collected = collectText(doc.body, () => false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(collected.blocks[0]!.text.startsWith('a')).toBe(true);
  });

  it('headings, table cells and <pre> are read without the hidden elements and hidden own text inside them', () => {
    const doc = emptyPage();
    const hidden = (text: string) => Object.assign(doc.createElement('span'), { hidden: true, textContent: ` ${text}` });
    const quiet = (text: string) => {
      const span = doc.createElement('span');
      span.className = 'quiet';
      span.textContent = ` ${text}`;
      return span;
    };
    const h2 = doc.body.appendChild(doc.createElement('h2'));
    h2.append('Title', hidden('HIDDEN-IN-HEADING'), quiet('QUIET-IN-HEADING'));
    const row = doc.body.appendChild(doc.createElement('table')).appendChild(doc.createElement('tr'));
    row.appendChild(doc.createElement('td')).append('cell', hidden('HIDDEN-IN-CELL'));
    doc.body.appendChild(doc.createElement('pre')).append('code', hidden('HIDDEN-IN-PRE'));
    const collected = collectText(doc.body, (element) => element.hasAttribute('hidden'), WALK_CAPS, (element) => element.classList.contains('quiet'));
    const text = [...collected.headings.map((h) => h.text), ...collected.blocks.map((b) => b.text)].join('\n');
    expect(text).toBe('Title\ncell\ncode');
  });
});
