import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { awaitEngineCall, callEngine, startEngineCall, waitFor } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { startLocalHub, writeFixtureModel, type FixtureModel, type LocalHub } from './harness/local-hub';
import { addHubModel, modelRow, storedChunkCount } from './harness/store-pages';

/** A quota too small for the model, set for the test through DevTools, as a full disk would leave it. */
let dir: string;
let model: FixtureModel;
let hub: LocalHub;
let ext: LaunchedExtension;
let ui: Page;
let cdp: CDPSession;

const setQuota = (quotaSize: number) =>
  cdp.send('Storage.overrideQuotaForOrigin', { origin: `chrome-extension://${ext.extensionId}`, quotaSize });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagewise-quota-e2e-'));
  model = await writeFixtureModel(join(dir, 'model'), { width: 512, dataFiles: 3, weightsPerFile: 2 });
  hub = await startLocalHub({ modelDir: model.dir, repo: 'pagewise-test/quota' });
  ext = await launchExtension();
  ui = await ext.openExtensionPage('ui/options/options.html');
  cdp = await ext.context.newCDPSession(ui);
});
afterAll(async () => {
  await ext?.close();
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('running out of storage', () => {
  test('a quota smaller than the model is reported before anything is downloaded', async () => {
    await setQuota(2_000_000);
    const modelId = await addHubModel(ui, hub);
    const plan = await callEngine(ui, 'store.plan-download', { modelId });
    expect(plan).toMatchObject({ ok: true, result: { fits: false, totalBytes: model.totalBytes } });
    const outcome = await callEngine(ui, 'store.download', { modelId, consent: { approvedBytes: model.totalBytes } });
    expect(outcome).toMatchObject({ ok: true, result: { status: 'quota-exceeded', neededBytes: model.totalBytes, quotaBytes: 2_000_000 } });
    expect((outcome as { result: { availableBytes: number } }).result.availableBytes).toBeLessThan(2_000_000);
    expect(await storedChunkCount(ui)).toBe(0);
    // Only the graph was read (to check it runs here), none of its data: one file, a few kilobytes.
    const graphSize = (await stat(join(model.dir, `onnx/model_${model.dtype}.onnx`))).size;
    expect(new Set(hub.contentRequests().map((r) => r.path)).size).toBe(1);
    expect(hub.contentRequests().every((r) => r.sentBytes === graphSize)).toBe(true);
  });

  test('space that runs out mid-download stops it cleanly and leaves no orphaned chunks', async () => {
    await setQuota(model.totalBytes * 3);
    const modelId = await addHubModel(ui, hub);
    hub.setThrottle(1_500_000);
    const call = await startEngineCall(ui, 'store.download', { modelId, consent: { approvedBytes: model.totalBytes }, chunkBytes: 128 * 1024 });
    await waitFor(async () => ((await modelRow(ui, modelId))?.storedBytes ?? 0) > model.totalBytes * 0.4, 30_000, 'part of the model to be stored');
    // Something else takes the space: the quota drops below what is already used.
    await setQuota(1_000_000);
    hub.setThrottle(undefined);
    const outcome = await awaitEngineCall(ui, call);
    expect(outcome).toMatchObject({ ok: true, result: { status: 'quota-exceeded', neededBytes: model.totalBytes } });
    expect(await storedChunkCount(ui)).toBe(0);
    expect(await modelRow(ui, modelId)).toMatchObject({ state: 'absent', storedBytes: 0 });
    await setQuota(0);
  });
});
