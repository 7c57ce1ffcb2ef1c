import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { startPageServer, type PageServer } from '../../scripts/lib/page-server';
import { callEngine, cancelEngineCall, readyTabId, startEngineCall } from './harness/engine-client';

describe('the built extension in Chromium', () => {
  let ext: LaunchedExtension;
  let server: PageServer;

  beforeAll(async () => {
    server = await startPageServer({
      '/article.html': '<!doctype html><html lang="en"><title>A plain article</title><p>Hello from the page.</p></html>',
      '/other.html': '<!doctype html><html lang="en"><title>The other window</title><p>Hello from the other window.</p></html>',
    });
    ext = await launchExtension();
  });
  afterAll(async () => {
    await ext?.close();
    await server?.close();
  });

  test('its service worker starts from the built manifest', async () => {
    expect(ext.extensionId).toMatch(/^[a-p]{32}$/);
    const manifest = await ext.worker.evaluate(() => chrome.runtime.getManifest());
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.name).toBe('Pagewise');
    // Less reach: nothing declared that is not used, and no other extension or web page may connect.
    expect(manifest.permissions).not.toContain('scripting');
    expect(manifest.externally_connectable).toEqual({ ids: [], matches: [] });
  });

  test('a content script runs on a 127.0.0.1 page, answers the worker, and tells it nothing unasked', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/article.html`);
    const tabId = await readyTabId(ext.worker, `${server.origin}/article.html`);
    // Loading a page wakes nothing and records nothing: the content script only answers.
    expect(await ext.worker.evaluate(() => chrome.storage.session.get(null))).toEqual({});

    // worker -> content: the worker asks the tab, the content script answers with what it sees.
    const reply = await ext.worker.evaluate(
      (id) => chrome.tabs.sendMessage(id, { channel: 'pagewise/v1', command: 'page.ping', payload: {} }),
      tabId,
    );
    expect(reply).toMatchObject({ ok: true, result: { page: { title: 'A plain article', lang: 'en' } } });
    await page.close();
  });

  test('a UI learns which page the active tab shows, through the worker and the content script', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/article.html`);
    await page.bringToFront();
    const tabId = await readyTabId(ext.worker, `${server.origin}/article.html`);
    const panel = await ext.openExtensionPage('ui/sidepanel/sidepanel.html');
    await page.bringToFront();
    const outcome = await callEngine(panel, 'tab.describe-active', {});
    expect(outcome).toMatchObject({ ok: true, result: { tabId, page: { title: 'A plain article', lang: 'en' } } });
    await panel.close();
    await page.close();
  });

  test('a panel works on its own window’s active tab, not on the window focused last', async () => {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/article.html`);
    await readyTabId(ext.worker, `${server.origin}/article.html`);
    const panel = await ext.openExtensionPage('ui/sidepanel/sidepanel.html');
    await page.bringToFront();
    // A second window, opened without focus: its panel asks with its own window's id.
    const other = await ext.worker.evaluate((url) => chrome.windows.create({ url, focused: false }).then((w) => w!.id!), `${server.origin}/other.html`);
    await readyTabId(ext.worker, `${server.origin}/other.html`);
    const mine = await callEngine(panel, 'tab.extract-page', {});
    const theirs = await callEngine(panel, 'tab.extract-page', { windowId: other });
    expect(mine).toMatchObject({ ok: true, result: { page: { title: 'A plain article' } } });
    expect(theirs).toMatchObject({ ok: true, result: { page: { title: 'The other window' } } });
    await ext.worker.evaluate((id) => chrome.windows.remove(id), other);
    await panel.close();
    await page.close();
  });

  /** The article in the active tab, its main thread held for `ms` from now, and a side panel to ask it. */
  async function busyArticle(ms: number) {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/article.html`);
    await readyTabId(ext.worker, `${server.origin}/article.html`);
    const panel = await ext.openExtensionPage('ui/sidepanel/sidepanel.html');
    await page.bringToFront();
    await page.evaluate((ms) => setTimeout(() => {
      const end = Date.now() + ms;
      while (Date.now() < end);
    }, 0), ms);
    return { page, panel };
  }

  test('a page that holds its main thread is reported after 30 seconds instead of being waited on forever', async () => {
    const { page, panel } = await busyArticle(45_000);
    const started = Date.now();
    const outcome = await callEngine(panel, 'tab.extract-page', {});
    expect(outcome).toMatchObject({ ok: false, error: { code: 'timeout', message: expect.stringMatching(/did not answer within 30 seconds/) } });
    expect(Date.now() - started).toBeLessThan(40_000);
    await panel.close();
    await page.close();
  }, 90_000);

  test('a stop while a busy page has not answered ends the request at once', async () => {
    const { page, panel } = await busyArticle(15_000);
    const call = await startEngineCall(panel, 'tab.extract-page', {});
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stoppedAt = Date.now();
    const outcome = await cancelEngineCall(panel, call);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(Date.now() - stoppedAt).toBeLessThan(2000);
    await panel.close();
    await page.close();
  }, 60_000);

  test('the side panel, popup and options pages load and show the engine state: a new user has no model yet', async () => {
    for (const path of ['ui/sidepanel/sidepanel.html', 'ui/popup/popup.html', 'ui/options/options.html']) {
      const page = await ext.openExtensionPage(path);
      const badge = page.locator('#engine-state [data-role="phase"]');
      await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('No model downloaded yet');
      await page.close();
    }
  });
});
