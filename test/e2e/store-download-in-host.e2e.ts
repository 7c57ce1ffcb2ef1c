// A download belongs to the engine host, not to the page that started it: the settings tab closes and the
// download goes on, every page shows it, and a summary asked for meanwhile says the model is on its way.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPageServer, type PageServer } from '../../scripts/lib/page-server';
import { callEngine, readyTabId } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { startLocalHub, writeFixtureModel, type LocalHub } from './harness/local-hub';
import { addHubModel } from './harness/store-pages';

let dir: string;
let hub: LocalHub;
let pages: PageServer;
let ext: LaunchedExtension;

const ARTICLE = '<!doctype html><html lang="en"><head><title>Night trains</title></head><body><article><h1>Night trains</h1><p>The sleeper from Vienna to Brussels runs three times a week and carries bicycles.</p></article></body></html>';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagewise-host-download-e2e-'));
  const model = await writeFixtureModel(join(dir, 'model'), { width: 512, dataFiles: 3, weightsPerFile: 2 });
  hub = await startLocalHub({ modelDir: model.dir, repo: 'pagewise-test/in-host' });
  pages = await startPageServer({ '/article.html': ARTICLE });
  ext = await launchExtension();
});
afterAll(async () => {
  await ext?.close();
  await hub?.close();
  await pages?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a download started in the settings', () => {
  test('goes on when the settings tab closes, shows on every page, and summaries say the model is coming', async () => {
    let options = await ext.openExtensionPage('ui/options/options.html');
    const modelId = await addHubModel(options, hub);
    await options.reload();
    const row = (page: Page): Locator => page.locator(`li.model[data-model-id="${modelId}"]`);

    // ~6 MB at 400 kB/s: long enough to close the tab, summarize and come back while it runs.
    hub.setThrottle(400_000);
    await row(options).locator('button[data-action="download"]').click();
    await row(options).locator('button[data-action="consent"]').click({ timeout: 10_000 });
    await expect.poll(() => row(options).locator('.figures').first().textContent(), { timeout: 10_000 }).toMatch(/of 6\.3 MB/);
    await options.close();

    // The side panel, opened after the settings closed: its badge shows the download by name with its figures.
    const panel = await ext.openExtensionPage('ui/sidepanel/sidepanel.html');
    await expect.poll(() => panel.locator('#engine-state').getAttribute('data-phase'), { timeout: 10_000 }).toBe('downloading');
    await expect.poll(() => panel.locator('#engine-state [data-role="detail"]').textContent()).toMatch(/in-host.*: \d+\s?%, (about .* left|time left unknown)/);

    // Summarizing now says the model is still downloading, how far it is, and offers no model manager.
    const tab = await ext.context.newPage();
    await tab.goto(`${pages.origin}/article.html`);
    await readyTabId(ext.worker, `${pages.origin}/article.html`);
    await tab.bringToFront();
    await panel.locator('#summarize-page').click();
    const error = panel.locator('#summary-slot [data-role="error"]');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toMatch(/is still downloading: \d+\s?% done/);
    expect(await error.textContent()).not.toContain('No model is downloaded');

    // The settings opened again show the running download, with its controls, and see it through.
    options = await ext.openExtensionPage('ui/options/options.html');
    await expect.poll(() => row(options).locator('.model-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('downloading');
    await expect.poll(() => row(options).locator('.figures').first().textContent(), { timeout: 10_000 }).toMatch(/MB of 6\.3 MB/);
    expect(await row(options).locator('button[data-action="pause"]').isVisible()).toBe(true);
    hub.setThrottle(undefined);
    await expect.poll(() => row(options).locator('.model-state').getAttribute('data-state'), { timeout: 60_000 }).toBe('verified');
    const listed = await callEngine(options, 'store.list-models', {});
    expect((listed as { result: { models: Array<{ id: string; state: string; downloading: boolean }> } }).result.models.find((m) => m.id === modelId)).toMatchObject({ state: 'verified', downloading: false });
  });

  test('pause from a page that did not start the download stops it where it is', async () => {
    const starter = await ext.openExtensionPage('ui/options/options.html');
    const modelId = await addHubModel(starter, hub, 'q4', 'wasm');
    await callEngine(starter, 'store.delete-model', { modelId });
    hub.setThrottle(400_000);
    const plan = await callEngine(starter, 'store.plan-download', { modelId });
    const totalBytes = (plan as { result: { totalBytes: number } }).result.totalBytes;
    // Started from one page, which then closes without waiting.
    void callEngine(starter, 'store.download', { modelId, consent: { approvedBytes: totalBytes } }).catch(() => undefined);
    const other = await ext.openExtensionPage('ui/options/options.html');
    const row = other.locator(`li.model[data-model-id="${modelId}"]`);
    await expect.poll(() => row.locator('.model-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('downloading');
    await starter.close();
    await row.locator('button[data-action="pause"]').click();
    await expect.poll(() => row.locator('.panel').textContent(), { timeout: 10_000 }).toContain('Paused');
    await expect.poll(() => row.locator('.model-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('partial');
    hub.setThrottle(undefined);
  });
});
