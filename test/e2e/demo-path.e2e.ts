// The demo's whole path as `npm run demo -- --headless --smoke` walks it, in the built extension with a real
// local hub and IndexedDB: no model → the side panel says so and opens the model manager → consent → the CPU
// model's checkpoint downloaded and converted in the browser → the next summary loads the model by itself. Then the engine is closed
// by its idle timeout and the following summary reloads the same model without anyone asking.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { walkDemoPath, type DemoWalk } from '../../scripts/demo/demo-walk';
import { DEMO_MODEL, startDemo, type Demo } from '../../scripts/demo/start-demo';
import { callEngine, offscreenExists, waitFor } from './harness/engine-client';

let profile: string;
let demo: Demo;
let walk: DemoWalk;

beforeAll(async () => {
  profile = await mkdtemp(join(tmpdir(), 'pagewise-demo-e2e-'));
  demo = await startDemo({ profile, headless: true, port: 0 });
  walk = await walkDemoPath(demo);
});
afterAll(async () => {
  await demo?.close();
  await rm(profile, { recursive: true, force: true });
});

describe('the demo path', () => {
  test('with nothing downloaded, Summarize explains and offers the model manager', () => {
    expect(walk.noModelMessage).toContain('No model is downloaded for this device yet');
    expect(walk.offeredModelManager).toBe(true);
  });

  test('the CPU model\'s checkpoint is downloaded with consent (source and sizes stated) and converted here for the CPU', () => {
    expect(walk.consentText).toContain(DEMO_MODEL.label);
    expect(walk.consentText).toContain(`${DEMO_MODEL.repo} at commit ${DEMO_MODEL.revision!.slice(0, 10)}, from 127.0.0.1`);
    expect(walk.consentText).toMatch(/converts it on this computer.*into a model for the CPU \(int8\)/);
    expect(walk.modelState).toBe('verified');
    expect(walk.downloadedPaths.sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    expect(walk.steps.find((s) => s.step.startsWith('downloaded'))?.step).toBeDefined();
  });

  test('the next summary loads the downloaded model by itself and streams a summary', () => {
    expect(walk.summaryError).toBe('');
    expect(walk.sawLoading).toBe(true);
    expect(walk.summary.length).toBeGreaterThan(0);
    expect(walk.engineAfter).toBe('ready');
  });

  test('after the idle timeout closed the engine, the next summary reloads the same model', async () => {
    const panel = demo.context.pages().find((page) => page.url().endsWith('/ui/sidepanel/sidepanel.html'))!;
    await demo.worker.evaluate(() => chrome.storage.local.set({ engineIdleSeconds: 5 }));
    // A call ending restarts the idle clock with the new setting; the model is already there.
    const ready = await callEngine(panel, 'engine.get-state', {});
    expect(ready).toMatchObject({ ok: true, result: { phase: 'ready', modelId: DEMO_MODEL.id } });
    await waitFor(async () => !(await offscreenExists(demo.worker)), 15_000, 'the idle engine to close');

    const article = demo.context.pages().find((page) => page.url().endsWith('/article-en.html'))!;
    await article.bringToFront();
    await panel.locator('#summarize-page').click();
    const answer = panel.locator('#summary-slot .answer');
    await expect.poll(() => answer.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    expect(await answer.locator('[data-role="error"]').isHidden()).toBe(true);
    expect(await answer.getAttribute('data-loading')).toBe('done');
    expect(((await answer.locator('[data-role="output"]').textContent()) ?? '').length).toBeGreaterThan(0);
    await demo.worker.evaluate(() => chrome.storage.local.set({ engineIdleSeconds: 300 }));
    // The badge names the model as people read it, not by its id.
    expect(await panel.locator('#engine-state [data-role="detail"]').textContent()).toBe(DEMO_MODEL.label);
  });

  test('the options page shows the hub address the demo set, and refuses one that is not https or this computer', async () => {
    const options = await demo.context.newPage();
    await options.goto(`chrome-extension://${demo.extensionId}/ui/options/options.html`);
    const field = options.locator('#hub-base-url');
    const status = options.locator('#hub-base-url-status');
    await expect.poll(() => field.inputValue()).toBe(demo.hub.baseUrl);
    const stored = () => demo.worker.evaluate(async () => (await chrome.storage.local.get('hubBaseUrl'))['hubBaseUrl'] as unknown);

    await field.fill('http://mirror.example');
    await field.dispatchEvent('change');
    await expect.poll(() => status.textContent()).toContain('Not saved');
    expect(await stored()).toBe(demo.hub.baseUrl);

    await field.fill('https://mirror.example/hf/');
    await field.dispatchEvent('change');
    await expect.poll(() => stored()).toBe('https://mirror.example/hf');
    expect(await status.textContent()).toContain('https://mirror.example/hf');

    await field.fill('');
    await field.dispatchEvent('change');
    await expect.poll(() => stored()).toBeUndefined();
    expect(await status.textContent()).toContain('huggingface.co');
    await options.close();
  });
});
