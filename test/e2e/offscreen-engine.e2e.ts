import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { offscreenSession } from '../../scripts/lib/offscreen-devtools';
import { awaitEngineCall, callEngine, offscreenExists, startEngineCall, waitFor } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';

describe('the offscreen engine host', () => {
  let ext: LaunchedExtension;
  let ui: Page;

  beforeAll(async () => {
    ext = await launchExtension();
    // The side panel, not the settings: the settings ask the engine host what this device runs, which starts it.
    ui = await ext.openExtensionPage('ui/sidepanel/sidepanel.html');
  });
  afterAll(async () => ext?.close());

  test('is created on demand and closed after the idle timeout', async () => {
    await ext.worker.evaluate(() => chrome.storage.local.set({ engineIdleSeconds: 5 }));
    expect(await offscreenExists(ext.worker)).toBe(false);

    const outcome = await callEngine(ui, 'engine.get-state', {});
    expect(outcome).toMatchObject({ ok: true, result: { phase: 'no-model' } });
    expect(await offscreenExists(ext.worker)).toBe(true);

    await waitFor(async () => !(await offscreenExists(ext.worker)), 15_000, 'the idle offscreen document to close');
  });

  test('stays open while work is in flight, longer than the idle timeout', async () => {
    await ext.worker.evaluate(() => chrome.storage.local.set({ engineIdleSeconds: 5 }));
    const outcome = await callEngine(ui, 'diagnostics.measure-speed', { backend: 'wasm', ms: 7_000 });
    expect(outcome.ok).toBe(true);
    expect(outcome.events.length).toBeGreaterThan(5);
    expect(await offscreenExists(ext.worker)).toBe(true);
    await ext.worker.evaluate(() => chrome.storage.local.set({ engineIdleSeconds: 300 }));
  });

  test('a request whose host is closed mid-flight gets a clear error, and the next request works', async () => {
    const id = await startEngineCall(ui, 'diagnostics.measure-speed', { backend: 'wasm', ms: 20_000 });
    await waitFor(() => offscreenExists(ext.worker), 10_000, 'the offscreen document');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await ext.worker.evaluate(() => chrome.offscreen.closeDocument());
    const started = Date.now();
    const outcome = await awaitEngineCall(ui, id);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'engine-crashed' } });
    expect(Date.now() - started).toBeLessThan(5_000);

    const next = await callEngine(ui, 'engine.get-state', {});
    expect(next).toMatchObject({ ok: true, result: { phase: 'no-model' } });
  });

  test('a host whose renderer is killed fails its request clearly, and the next request starts a new one', async () => {
    const id = await startEngineCall(ui, 'diagnostics.measure-speed', { backend: 'wasm', ms: 20_000 });
    await waitFor(() => offscreenExists(ext.worker), 10_000, 'the offscreen document');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cdp = await ext.context.browser()!.newBrowserCDPSession().catch(() => null);
    // A persistent context has no Browser object; reach the browser target through a page's session.
    const session = cdp ?? (await ext.context.newCDPSession(ui));
    const { targetInfos } = (await session.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; url: string }> };
    const offscreen = targetInfos.find((target) => target.url.endsWith('/offscreen/offscreen.html'));
    expect(offscreen).toBeDefined();
    await session.send('Target.closeTarget', { targetId: offscreen!.targetId });

    const outcome = await awaitEngineCall(ui, id);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'engine-crashed' } });
    const next = await callEngine(ui, 'engine.get-state', {});
    expect(next).toMatchObject({ ok: true });
  });

  test('a host that goes silent while it works is noticed: its request fails clearly and the next request starts a new one', async () => {
    await ext.worker.evaluate(() => chrome.storage.local.set({ engineHangSeconds: 15 }));
    // The limit is read when a document connects: start from a fresh one.
    await ext.worker.evaluate(async () => {
      if ((await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT] })).length) await chrome.offscreen.closeDocument();
    });
    const id = await startEngineCall(ui, 'diagnostics.measure-speed', { backend: 'wasm', ms: 60_000 });
    await waitFor(() => offscreenExists(ext.worker), 10_000, 'the offscreen document');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The host's main thread stuck in a loop: no heartbeat, no event, no result.
    await (await offscreenSession(ext.context, ui)).evaluate('setTimeout(() => { const end = Date.now() + 30000; while (Date.now() < end); }, 0)');
    const started = Date.now();
    // The worker notices within the limit and closes the document. (The UI pages share the extension's renderer
    // process with it, so they hear of it when the loop lets their thread run again.)
    await waitFor(async () => !(await offscreenExists(ext.worker)), 22_000, 'the worker to close the silent host');
    expect(Date.now() - started).toBeLessThan(22_000);
    const outcome = await awaitEngineCall(ui, id);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'engine-crashed', message: expect.stringMatching(/stopped responding \(nothing for 15 s\)/) } });
    const next = await callEngine(ui, 'engine.get-state', {});
    expect(next).toMatchObject({ ok: true });
    await ext.worker.evaluate(() => chrome.storage.local.remove('engineHangSeconds'));
  }, 60_000);

  test('cancelling a call stops it on the host', async () => {
    const outcome = await ui.evaluate(
      () =>
        new Promise((resolve) => {
          const port = chrome.runtime.connect({ name: 'pagewise/ui' });
          const started = performance.now();
          port.onMessage.addListener((frame: { kind: string; id?: string; error?: unknown }) => {
            if (frame.id === 'x' && frame.kind === 'event') port.postMessage({ kind: 'cancel', id: 'x' });
            if (frame.id === 'x' && (frame.kind === 'error' || frame.kind === 'result')) {
              resolve({ frame, ms: performance.now() - started });
            }
          });
          port.postMessage({ kind: 'request', id: 'x', command: 'diagnostics.measure-speed', payload: { backend: 'wasm', ms: 30_000 } });
        }),
    );
    expect(outcome).toMatchObject({ frame: { kind: 'error', error: { code: 'cancelled' } } });
    expect((outcome as { ms: number }).ms).toBeLessThan(5_000);
  });

  test('the UI sees the engine state change live', async () => {
    const panel = await ext.openExtensionPage('ui/sidepanel/sidepanel.html');
    const badge = panel.locator('#engine-state');
    const id = await startEngineCall(ui, 'diagnostics.measure-speed', { backend: 'wasm', ms: 3_000 });
    await expect.poll(() => badge.getAttribute('data-phase'), { timeout: 10_000 }).toBe('busy');
    await awaitEngineCall(ui, id);
    await expect.poll(() => badge.getAttribute('data-phase'), { timeout: 10_000 }).toBe('no-model');
    await panel.close();
  });

  test('refuses malformed requests with a clear error', async () => {
    expect(await callEngine(ui, 'diagnostics.measure-speed', { backend: 'wasm', ms: -5 })).toMatchObject({ ok: false, error: { code: 'bad-message' } });
    expect(await callEngine(ui, 'engine.format-disk', {})).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
  });
});
