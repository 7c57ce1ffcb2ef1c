import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { callEngine, readyTabId } from './harness/engine-client';
import { ContentWorld } from './harness/content-world';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { startPageServer, type PageServer } from '../../scripts/lib/page-server';

/** What the worker refused, as the options page's diagnostics show it. */
async function rejections(ext: LaunchedExtension): Promise<Array<{ reason: string; from: string }>> {
  const options = await ext.openExtensionPage('ui/options/options.html');
  const outcome = await callEngine(options, 'diagnostics.refused-messages', {});
  await options.close();
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
  return (outcome.result as { refused: Array<{ reason: string; from: string }> }).refused;
}

describe('messages from pages and subverted content scripts', () => {
  let ext: LaunchedExtension;
  let server: PageServer;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    server = await startPageServer({ '/hostile.html': '<!doctype html><title>Hostile page</title><p>Nothing to see.</p>' });
    ext = await launchExtension();
    page = await ext.context.newPage();
    url = `${server.origin}/hostile.html`;
    await page.goto(url);
    await readyTabId(ext.worker, url);
  });
  afterAll(async () => {
    await ext?.close();
    await server?.close();
  });

  test('the page cannot reach the extension: no runtime messaging, and window.postMessage is ignored', async () => {
    const reach = await page.evaluate(async (extensionId) => {
      const runtime = (globalThis as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime;
      if (typeof runtime?.sendMessage !== 'function') return 'no runtime messaging';
      try {
        await (runtime.sendMessage as (id: string, m: unknown) => Promise<unknown>)(extensionId, { channel: 'pagewise/v1' });
        return 'reached';
      } catch {
        return 'refused';
      }
    }, ext.extensionId);
    expect(reach).not.toBe('reached');

    // Forged protocol messages posted to the window, claiming another URL and an extension sender.
    await page.evaluate(() => {
      const forged = { channel: 'pagewise/v1', command: 'page.extract', payload: {} };
      window.postMessage(forged, '*');
      window.postMessage({ ...forged, sender: { id: 'pagewise', url: 'chrome-extension://pagewise/' } }, '*');
      window.postMessage({ kind: 'request', id: '1', command: 'diagnostics.self-test', payload: { backend: 'wasm' } }, '*');
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Nothing about the page was recorded anywhere: Pagewise keeps nothing about pages the user did not act on.
    expect(await ext.worker.evaluate(async () => chrome.storage.session.get(null))).toEqual({});
    const offscreen = await ext.worker.evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT] })).length);
    expect(offscreen).toBe(0);
  });

  test('a subverted content script can neither read nor write the settings (the model hub address among them)', async () => {
    const world = await ContentWorld.attach(ext.context, page);
    const attempt = (code: string) => world.evaluate<string>(`(async () => { try { await ${code}; return 'allowed'; } catch (error) { return String(error); } })()`);
    expect(await attempt(`chrome.storage.local.set({ hubBaseUrl: 'https://evil.example', engineIdleSeconds: 86400 })`)).toMatch(/not allowed/);
    expect(await attempt(`chrome.storage.local.get(null)`)).toMatch(/not allowed/);
    expect(await ext.worker.evaluate(async () => chrome.storage.local.get(['hubBaseUrl', 'engineIdleSeconds']))).toEqual({});
  });

  test('a subverted content script cannot open UI or engine-host ports', async () => {
    const world = await ContentWorld.attach(ext.context, page);
    for (const name of ['pagewise/ui', 'pagewise/engine-host']) {
      const outcome = await world.evaluate<string>(`new Promise((resolve) => {
        const port = chrome.runtime.connect({ name: ${JSON.stringify(name)} });
        port.onMessage.addListener(() => resolve('answered'));
        port.onDisconnect.addListener(() => resolve('disconnected'));
        port.postMessage({ kind: 'request', id: 'evil', command: 'diagnostics.self-test', payload: { backend: 'wasm' } });
      })`);
      expect(outcome).toBe('disconnected');
    }
    const refused = await rejections(ext);
    expect(refused).toContainEqual(expect.objectContaining({ reason: 'port "pagewise/ui" from a content-script sender', from: url }));
    expect(refused).toContainEqual(expect.objectContaining({ reason: 'port "pagewise/engine-host" from a content-script sender', from: url }));
  });

  test('a subverted content script is heard on no message at all, and each attempt is recorded', async () => {
    // Whatever earlier tests started (an options page asks the engine what fits this device) is closed first.
    await ext.worker.evaluate(async () => {
      if ((await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT] })).length > 0) await chrome.offscreen.closeDocument();
    });
    const world = await ContentWorld.attach(ext.context, page);
    const attempts = [
      `chrome.runtime.sendMessage({ channel: 'pagewise/v1', command: 'engine.generate', payload: { messages: [] } })`,
      `chrome.runtime.sendMessage({ channel: 'pagewise/v1', command: 'store.download', payload: { modelId: 'lfm2.5-8b-a1b', consent: { approvedBytes: 1e12 } } })`,
      `chrome.runtime.sendMessage({ channel: 'pagewise/v1', command: 'page.extract', payload: {} })`,
      `chrome.runtime.sendMessage({ toString: 1, __proto__: { channel: 'pagewise/v1' } })`,
    ];
    for (const attempt of attempts) {
      expect(await world.evaluate(attempt), attempt).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    }
    // None of it started the engine, and each refusal names where it came from.
    const offscreen = await ext.worker.evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT] })).length);
    expect(offscreen).toBe(0);
    const refused = (await rejections(ext)).filter((r) => r.reason === 'one-shot message from a content-script sender' && r.from === url);
    expect(refused.length).toBeGreaterThanOrEqual(attempts.length);
  });
});
