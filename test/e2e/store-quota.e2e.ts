import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { awaitEngineCall, callEngine, startEngineCall, waitFor } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { startLocalHub, writeFixtureModel, type FixtureModel, type LocalHub } from './harness/local-hub';
import { addHubModel, fileDigests, modelRow, storedChunkCount, storedDigests } from './harness/store-pages';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

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

  test('space that runs out mid-download loses only the unfinished file: verified files stay, no orphaned chunks, and the download resumes once there is room', async () => {
    await setQuota(model.totalBytes * 3);
    const modelId = await addHubModel(ui, hub);
    hub.setThrottle(1_500_000);
    const call = await startEngineCall(ui, 'store.download', { modelId, consent: { approvedBytes: model.totalBytes }, chunkBytes: 128 * 1024 });
    await waitFor(async () => ((await modelRow(ui, modelId))?.storedBytes ?? 0) > model.totalBytes * 0.4, 30_000, 'part of the model to be stored');
    // Something else takes the space: the quota drops below what is already used.
    await setQuota(1_000_000);
    hub.setThrottle(undefined);
    const outcome = await awaitEngineCall(ui, call);
    const row = await modelRow(ui, modelId);
    expect(row?.storedBytes).toBeGreaterThan(0);
    expect(outcome).toMatchObject({ ok: true, result: { status: 'quota-exceeded', neededBytes: model.totalBytes - row!.storedBytes } });
    // What is kept is whole files, byte for byte; the file that was arriving left nothing behind.
    const kept = Object.fromEntries(Object.entries(await storedDigests(ui, modelId)).filter(([, digest]) => digest !== EMPTY_SHA256));
    expect(Object.keys(kept).length).toBeGreaterThan(0);
    expect(kept).toEqual(await fileDigests(model.dir, Object.keys(kept)));
    const keptBytes = (await Promise.all(Object.keys(kept).map(async (path) => (await stat(join(model.dir, path))).size))).reduce((a, b) => a + b, 0);
    expect(row).toMatchObject({ state: 'partial', storedBytes: keptBytes });
    const keptChunks = (await Promise.all(Object.keys(kept).map(async (path) => Math.ceil((await stat(join(model.dir, path))).size / (128 * 1024))))).reduce((a, b) => a + b, 0);
    expect(await storedChunkCount(ui, modelId)).toBe(keptChunks);

    // Room again: the download fetches only what is missing and the model is whole.
    await setQuota(model.totalBytes * 3);
    const before = hub.contentRequests().length;
    const resumed = await callEngine(ui, 'store.download', { modelId, consent: { approvedBytes: model.totalBytes }, chunkBytes: 128 * 1024 });
    expect(resumed).toMatchObject({ ok: true, result: { status: 'verified' } });
    const refetched = hub.contentRequests().slice(before).filter((request) => Object.entries(kept).some(([path, digest]) => request.path.endsWith(`/${path}`) || request.path.endsWith(`/${digest}`)));
    expect(refetched).toEqual([]);
    const all = await storedDigests(ui, modelId);
    expect(all).toEqual(await fileDigests(model.dir, Object.keys(all)));
    await setQuota(0);
  });
});
