// Page translation in the built extension on the tiny test model (random weights: what it writes is noise, which
// is what these tests want: every answer is untrusted, garbage, misaligned or full of markup, and the page must
// stay intact and restorable). Pages are served on 127.0.0.1 and translated through the worker's commands, as
// the popup drives them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPageServer, type PageServer } from '../../scripts/lib/page-server';
import { ensureTestModel } from '../../scripts/export/test-models';
import { callEngine, readyTabId } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { storeModelFolder } from './harness/store-pages';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/pages', name), 'utf8');

/** The DOM as a string with every attribute, text node and shadow root: what "exactly as it was" is checked on. */
const SNAPSHOT = `(() => {
  const walk = (node) => {
    if (node.nodeType === 3) return JSON.stringify(node.data);
    if (node.nodeType !== 1) return '';
    const attrs = [...node.attributes].map((a) => a.name + '=' + JSON.stringify(a.value)).sort().join(' ');
    const kids = [...node.childNodes].map(walk).join('');
    const shadow = node.shadowRoot ? '#shadow[' + [...node.shadowRoot.childNodes].map(walk).join('') + ']' : '';
    return '<' + node.tagName + ' ' + attrs + '>' + shadow + kids + '</' + node.tagName + '>';
  };
  return walk(document.documentElement);
})()`;

interface Status {
  active: boolean;
  found: number;
  done: number;
  failed: number;
  mode: string;
  lastError?: string;
}

describe('translate the page in place', () => {
  let ext: LaunchedExtension;
  let pages: PageServer;
  let ui: Page;

  async function openTab(path: string): Promise<Page> {
    const tab = await ext.context.newPage();
    await tab.goto(`${pages.origin}${path}`);
    await readyTabId(ext.worker, `${pages.origin}${path}`);
    await tab.bringToFront();
    return tab;
  }

  async function command(name: string, payload: unknown): Promise<{ pageLanguage: string; status?: Status }> {
    const outcome = await callEngine(ui, name, payload);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
    return (outcome as { result: { pageLanguage: string; status?: Status } }).result;
  }

  /** Waits until every unit found so far is settled (translated or failed) and at least `min` were found. */
  async function settled(min = 1, timeoutMs = 240_000): Promise<Status> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status } = await command('translate.describe', {});
      if (status && status.found >= min && status.done + status.failed >= status.found) return status;
      if (Date.now() > deadline) throw new Error(`Translation did not settle: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  beforeAll(async () => {
    pages = await startPageServer({ '/news.html': fixture('translate-news-en.html') });
    const model = ensureTestModel('tiny-dense');
    const generation = JSON.parse(readFileSync(join(model.dir, 'generation_config.json'), 'utf8')) as Record<string, unknown>;
    ext = await launchExtension();
    ui = await ext.openExtensionPage('ui/popup/popup.html');
    const modelId = await storeModelFolder(ui, model.dir, 'q4', 'wasm', { 'generation_config.json': JSON.stringify({ ...generation, do_sample: false }) });
    const loaded = await callEngine(ui, 'engine.load', { modelId });
    expect(loaded, JSON.stringify(loaded)).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await ext?.close();
    await pages?.close();
  });

  test('a served article is translated in place, keeps its links and markup, and is restored exactly', async () => {
    const tab = await openTab('/news.html');
    const before = await tab.evaluate(SNAPSHOT);
    const described = await command('translate.describe', {});
    expect(described.pageLanguage).toBe('en');
    await command('translate.start', { to: 'hi', mode: 'replace', wholePage: true });
    const status = await settled(5);
    console.log(JSON.stringify(status));
    const after = await tab.evaluate(SNAPSHOT);
    expect(after).not.toBe(before);
    await command('translate.restore', {});
    expect(await tab.evaluate(SNAPSHOT)).toBe(before);
  });
});
