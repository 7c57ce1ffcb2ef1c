import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureTestModel } from '../../scripts/export/test-models';
import { callEngine } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { startLocalHub, writeFixtureModel, type FixtureModel, type LocalHub } from './harness/local-hub';
import { storedChunkCount } from './harness/store-pages';

/** The model manager on the options page, used as a person would: consent, progress, pause, resume, delete. */
let dir: string;
let model: FixtureModel;
let hub: LocalHub;
let ext: LaunchedExtension;
let page: Page;

const row = (): Locator => page.locator(`li.model[data-model-id="${hub.repo}@main#q4"]`);
const action = (name: string): Locator => row().locator(`button[data-action="${name}"]`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagewise-manager-e2e-'));
  model = await writeFixtureModel(join(dir, 'model'), { width: 512, dataFiles: 3, weightsPerFile: 2 });
  hub = await startLocalHub({ modelDir: model.dir, repo: 'pagewise-test/manager' });
  ext = await launchExtension();
  // The demo and these tests point the extension at the local hub through the setting, not a code change.
  await ext.worker.evaluate((url) => chrome.storage.local.set({ hubBaseUrl: url }), hub.baseUrl);
  page = await ext.openExtensionPage('ui/options/options.html');
});
afterAll(async () => {
  await ext?.close();
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the model manager', () => {
  test('lists the built-in models', async () => {
    await expect.poll(() => page.locator('li.model .model-label').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('LFM2.5-8B-A1B'), expect.stringContaining('LFM2.5-1.2B')]),
    );
  });

  test('adds a hub model, asks consent with size and free space, shows progress, pauses, resumes, verifies', async () => {
    await page.locator('summary', { hasText: 'Add a model' }).click();
    await page.selectOption('select[name="format"]', 'onnx');
    await page.fill('input[name="repo"]', hub.repo);
    await page.click('form.add-model button[type="submit"]');
    await expect.poll(() => row().count()).toBe(1);
    expect(await row().locator('.model-state').getAttribute('data-state')).toBe('absent');

    hub.setThrottle(1_000_000);
    await action('download').click();
    const panel = row().locator('.panel');
    await expect.poll(() => panel.textContent(), { timeout: 10_000 }).toContain('6.3 MB');
    expect(await panel.textContent()).toContain('can store');
    await panel.locator('button[data-action="consent"]').click();

    // The whole row is polled (not its figures alone): should the progress never show, the failure says what the
    // row showed instead.
    await expect.poll(() => row().textContent({ timeout: 1_000 }), { timeout: 10_000 }).toMatch(/MB of 6\.3 MB · [\d.]+ MB\/s · \d+:\d\d left/);
    // The engine badge shows the download too, on every page.
    await expect.poll(() => page.locator('#engine-state').getAttribute('data-phase')).toBe('downloading');
    await action('pause').click();
    await expect.poll(() => panel.textContent(), { timeout: 10_000 }).toContain('Paused');
    await expect.poll(() => row().locator('.model-state').getAttribute('data-state'), { timeout: 5_000 }).toBe('partial');
    // The badge does not forget it: nothing is usable yet, and the paused download is named with the way on.
    await expect.poll(() => page.locator('#engine-state [data-role="detail"]').textContent(), { timeout: 5_000 }).toMatch(/is partly downloaded: resume it in the settings/);

    hub.setThrottle(undefined);
    await action('resume').click();
    await panel.locator('button[data-action="consent"]').click({ timeout: 10_000 });
    await expect.poll(() => row().locator('.model-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('verified');
    expect(await panel.textContent()).toContain('works offline');

    await action('verify').click();
    await expect.poll(() => panel.textContent(), { timeout: 10_000 }).toContain('Every file matches');
  });

  test('out of space: the message gives the figures, nothing is kept, other models can be deleted', async () => {
    const cdp = await ext.context.newCDPSession(page);
    await action('delete').click();
    await expect.poll(() => row().locator('.model-state').getAttribute('data-state')).toBe('absent');

    // Another model occupies the space this one needs.
    const other = await startLocalHub({ modelDir: model.dir, repo: 'pagewise-test/other' });
    try {
      await page.selectOption('select[name="format"]', 'onnx');
      await page.fill('input[name="repo"]', other.repo);
      await page.fill('input[name="baseUrl"]', other.baseUrl);
      await page.click('form.add-model button[type="submit"]');
      const otherRow = page.locator(`li.model[data-model-id="${other.repo}@main#q4"]`);
      await otherRow.locator('button[data-action="download"]').click();
      await otherRow.locator('button[data-action="consent"]').click({ timeout: 10_000 });
      await expect.poll(() => otherRow.locator('.model-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('verified');

      // Leave less room than this model needs: what a nearly full disk looks like to the browser.
      const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: `chrome-extension://${ext.extensionId}`, quotaSize: usage + 3_000_000 });
      await action('download').click();
      const panel = row().locator('.panel');
      await expect.poll(() => panel.textContent(), { timeout: 10_000 }).toContain('Not enough storage');
      expect(await panel.textContent()).toMatch(/needs 6\.3 MB, but this browser can store only 3 MB more \(its limit is [\d.]+ MB\)/);
      await panel.locator('button[data-action="delete-other"]').click();
      await expect.poll(() => otherRow.locator('.model-state').getAttribute('data-state')).toBe('absent');
      await expect.poll(() => panel.textContent(), { timeout: 10_000 }).toContain('needs 6.3 MB more');
      await panel.locator('button[data-action="consent"]').click();
      await expect.poll(() => row().locator('.model-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('verified');
    } finally {
      await other.close();
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: `chrome-extension://${ext.extensionId}` });
    }
  });

  test('cancelling a download stops it and deletes what it had stored', async () => {
    await action('delete').click();
    await expect.poll(() => row().locator('.model-state').getAttribute('data-state')).toBe('absent');
    hub.setThrottle(1_000_000);
    await action('download').click();
    await row().locator('button[data-action="consent"]').click({ timeout: 10_000 });
    await expect.poll(() => row().textContent({ timeout: 1_000 }), { timeout: 10_000 }).toMatch(/MB of 6\.3 MB/);
    await action('cancel').click();
    await expect.poll(() => row().locator('.panel').textContent(), { timeout: 10_000 }).toContain('cancelled');
    expect(await row().locator('.model-state').getAttribute('data-state')).toBe('absent');
    expect(await storedChunkCount(page, `${hub.repo}@main#q4`)).toBe(0);
    hub.setThrottle(undefined);
  });

  test('imports a model from a folder on disk, usable with no hub at all', async () => {
    const tiny = ensureTestModel('tiny-dense').dir;
    const modelId = `local/${basename(tiny)}#q4`;
    await page.locator('summary', { hasText: 'Import model files' }).click();
    await page.setInputFiles('input[name="folder"]', tiny);
    await page.click('form.import-model button[type="submit"]');
    const imported = page.locator(`li.model[data-model-id="${modelId}"]`);
    await expect.poll(() => imported.locator('.model-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('verified');
    const status = await page.locator('form.import-model output').textContent();
    expect(status).toContain('Imported');
    // "Use this model" loads it into the engine; it then answers.
    await imported.locator('button[data-action="use"]').click();
    await expect.poll(() => callEngine(page, 'engine.get-state', {}).then((o) => (o.ok ? (o.result as { phase: string; modelId?: string }) : undefined)), { timeout: 60_000 }).toMatchObject({ phase: 'ready', modelId });
    const generated = await callEngine(page, 'engine.generate', { messages: [{ role: 'user', content: 'Hello' }], maxNewTokens: 4, sampling: { temperature: 0 } });
    expect(generated, JSON.stringify(generated).slice(0, 300)).toMatchObject({ ok: true });
  });
});
