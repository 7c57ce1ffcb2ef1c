import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callEngine } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { startLocalHub, writeFixtureModel, type FixtureModel, type LocalHub } from './harness/local-hub';
import { addHubModel, fileDigests, modelRow, planAndDownload, storedChunkCount, storedDigests } from './harness/store-pages';

/**
 * The weight store in Chromium against a real local hub that misbehaves for real: dropped sockets, 500s,
 * 429s, a stalled response, wrong bytes. Each download must end byte-identical and verified, and a model
 * that is not must never be usable.
 */
const CHUNK = 64 * 1024;
let dir: string;
let model: FixtureModel;
let hub: LocalHub;
let ext: LaunchedExtension;
let ui: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagewise-store-e2e-'));
  model = await writeFixtureModel(join(dir, 'model'), { width: 512, dataFiles: 3, weightsPerFile: 2 });
  hub = await startLocalHub({ modelDir: model.dir, repo: 'pagewise-test/faulty' });
  ext = await launchExtension();
  ui = await ext.openExtensionPage('ui/options/options.html');
});
afterAll(async () => {
  await ext?.close();
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('downloading a model from a faulty hub', () => {
  test('survives 20+ dropped connections, 500s, 429s, a stall and a corrupt file, and ends byte-identical', async () => {
    // Adding plans the model (the listing and its graph): the faults are for the download that follows.
    const modelId = await addHubModel(ui, hub);
    hub.setFaults({ drops: 24, dropSpacing: 200_000, serverErrors: 2, rateLimits: 2, stalls: 1, corruptOnce: ['onnx/model_q4.onnx_data_2'], rate: 0.5, seed: 3 });
    const outcome = await planAndDownload(ui, modelId, { chunkBytes: CHUNK, stallTimeoutMs: 1_500 });
    expect(outcome).toMatchObject({ ok: true, result: { status: 'verified', totalBytes: model.totalBytes, commit: hub.commit } });

    const served = hub.faultsServed();
    expect(served.drop).toBeGreaterThanOrEqual(20);
    expect(served.corrupt).toBe(1);
    for (const kind of ['server-error', 'rate-limit', 'stall'] as const) expect(served[kind], kind).toBeGreaterThanOrEqual(1);
    // The user is told which file was thrown away and why.
    expect(outcome.events).toContainEqual(expect.objectContaining({ type: 'discarded', reason: 'checksum', path: 'onnx/model_q4.onnx_data_2' }));

    const stored = await storedDigests(ui, modelId);
    expect(stored).toEqual(await fileDigests(model.dir, Object.keys(stored)));
    expect(await modelRow(ui, modelId)).toMatchObject({ state: 'verified', storedBytes: model.totalBytes });
  });

  test('a file that stays wrong on the server fails the download, and the model is not usable', async () => {
    const badDir = join(dir, 'bad');
    const bad = await writeFixtureModel(badDir, { width: 128, dataFiles: 2, weightsPerFile: 1 });
    const badHub = await startLocalHub({ modelDir: bad.dir, repo: 'pagewise-test/always-wrong' });
    try {
      const modelId = await addHubModel(ui, badHub);
      badHub.setFaults({ corruptAlways: ['onnx/model_q4.onnx_data_1'] });
      const outcome = await planAndDownload(ui, modelId, { chunkBytes: CHUNK, stallTimeoutMs: 1_500 });
      expect(outcome).toMatchObject({ ok: false, error: { message: expect.stringContaining('onnx/model_q4.onnx_data_1') } });
      expect(await modelRow(ui, modelId)).toMatchObject({ state: 'partial' });
      expect(await storedChunkCount(ui, modelId)).toBeGreaterThan(0); // the good files stay for next time
      const load = await callEngine(ui, 'engine.load', { modelId });
      expect(load).toMatchObject({ ok: false, error: { message: expect.stringContaining('not completely downloaded') } });
    } finally {
      await badHub.close();
    }
  });

  test('with the model cached and the hub gone, re-verifying reads every stored byte again with no request at all', async () => {
    const modelId = await addHubModel(ui, hub);
    expect(await modelRow(ui, modelId)).toMatchObject({ state: 'verified' });
    const before = hub.requests.length;
    await hub.close();
    const verified = await callEngine(ui, 'store.verify-model', { modelId });
    expect(verified).toMatchObject({ ok: true, result: { verified: true, badFiles: [], missingFiles: [] } });
    expect(hub.requests.length).toBe(before);
  });
});
