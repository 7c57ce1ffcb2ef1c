// A new user asks for a translation before any model is on the computer: the popup says so in words and offers
// the way to one, nothing is sent again and again, and the page keeps its text.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPageServer, type PageServer } from '../../scripts/lib/page-server';
import { callEngine, openActiveTab } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Notes</title></head><body><p id="p">The harbour reopens after the storm.</p></body></html>`;

describe('translating with no model yet', () => {
  let ext: LaunchedExtension;
  let pages: PageServer;
  let popup: Page;

  beforeAll(async () => {
    pages = await startPageServer({ '/page.html': PAGE });
    ext = await launchExtension();
    popup = await ext.openExtensionPage('ui/popup/popup.html');
  });
  afterAll(async () => {
    await ext?.close();
    await pages?.close();
  });

  test('the popup explains that a model is needed, offers Get a model, and the page is untouched', async () => {
    const tab = await openActiveTab(ext, `${pages.origin}/page.html`);
    await popup.click('#translate-start');
    await popup.waitForFunction(() => !document.getElementById('translate-get-model')!.hidden, undefined, { timeout: 60_000 });
    const shown = await popup.evaluate(() => document.getElementById('translate-status')!.textContent);
    expect(shown).toContain('Translation needs a model on this computer first');
    const { result } = (await callEngine(popup, 'translate.describe', {})) as { result: { status: { stoppedBy?: string; done: number } } };
    expect(result.status).toMatchObject({ stoppedBy: 'no-model', done: 0 });
    expect(await tab.evaluate(`[document.getElementById('p').textContent, document.getElementById('p').lang]`)).toEqual(['The harbour reopens after the storm.', '']);
    await tab.close();
  });
});
