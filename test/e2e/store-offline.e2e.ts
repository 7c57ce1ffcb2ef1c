import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureTestModel } from '../../scripts/export/test-models';
import { callEngine } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { startLocalHub, type LocalHub } from './harness/local-hub';
import { addHubModel, planAndDownload } from './harness/store-pages';

/**
 * The exporter's tiny LFM2 model, downloaded from the local hub into the store, then loaded and run by the engine
 * (WebGPU on SwiftShader: the WASM build lacks the q4 embedding kernel) with the hub gone: using a cached model
 * needs no network at all.
 */
let hub: LocalHub;
let ext: LaunchedExtension;
let ui: Page;

beforeAll(async () => {
  hub = await startLocalHub({ modelDir: ensureTestModel('tiny-dense').dir, repo: 'pagewise-test/tiny-dense' });
  ext = await launchExtension({ webgpu: true });
  ui = await ext.openExtensionPage('ui/options/options.html');
});
afterAll(async () => {
  await ext?.close();
  await hub?.close();
});

describe('a cached model offline', () => {
  test('loads from the store and generates with no network request', async () => {
    const modelId = await addHubModel(ui, hub, 'q4');
    expect(await planAndDownload(ui, modelId, { chunkBytes: 64 * 1024 })).toMatchObject({ ok: true, result: { status: 'verified' } });
    const served = hub.requests.length;
    await hub.close();

    const loaded = await callEngine(ui, 'engine.load', { modelId, backend: 'webgpu' });
    expect(loaded, JSON.stringify(loaded)).toMatchObject({ ok: true, result: { modelId, backend: 'webgpu' } });
    const generated = await callEngine(ui, 'engine.generate', { messages: [{ role: 'user', content: 'Hello' }], maxNewTokens: 8, sampling: { temperature: 0 } });
    expect(generated.ok).toBe(true);
    expect((generated as { result: { tokens: number[] } }).result.tokens.length).toBeGreaterThan(0);
    expect(hub.requests.length).toBe(served);
  });
});
