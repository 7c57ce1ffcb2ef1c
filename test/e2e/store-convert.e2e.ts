// Checkpoints converted in the built extension, as a user's first download is: from a local hub serving
// safetensors, through the conversion worker into IndexedDB. The stored model must be the Node exporter's output
// byte for byte, survive a browser closed halfway, leave nothing behind when space runs out, and run.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeShardedCheckpoint } from '../../scripts/export/checkpoint-variants';
import { exportCheckpoint } from '../../scripts/export/export-checkpoint';
import { ensureTestModel } from '../../scripts/export/test-models';
import { encodeGraph, GraphBuilder } from '../../src/model/onnx/graph-builder';
import { awaitEngineCall, callEngine, startEngineCall, waitFor } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { startLocalHub, type LocalHub } from './harness/local-hub';
import { fileDigests, modelRow, storedChunkCount, storedDigests } from './harness/store-pages';

let dir: string;
let ext: LaunchedExtension;
let ui: Page;
const hubs: LocalHub[] = [];
const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };

async function hubFor(modelDir: string, repo: string): Promise<LocalHub> {
  const hub = await startLocalHub({ modelDir, repo });
  hubs.push(hub);
  return hub;
}

async function addCheckpoint(page: Page, hub: LocalHub): Promise<string> {
  const added = await callEngine(page, 'store.add-custom-model', { format: 'safetensors', repo: hub.repo, revision: 'main', baseUrl: hub.baseUrl });
  if (!added.ok) throw new Error(JSON.stringify(added.error));
  return (added.result as { id: string }).id;
}

/** The consent a user gives after reading the plan: exactly the bytes it says will be fetched. */
async function consentFor(page: Page, modelId: string): Promise<{ approvedBytes: number }> {
  const plan = await callEngine(page, 'store.plan-download', { modelId });
  if (!plan.ok) throw new Error(JSON.stringify(plan.error));
  return { approvedBytes: (plan.result as { totalBytes: number }).totalBytes };
}

async function storeModel(page: Page, modelId: string, options: { chunkBytes?: number } = {}) {
  return callEngine(page, 'store.download', { modelId, consent: await consentFor(page, modelId), ...options });
}

/** What the Node exporter writes for the same checkpoint (the WASM int8 graph the CPU path takes). */
async function nodeExport(checkpoint: string): Promise<string> {
  const out = await mkdtemp(join(dir, 'export-'));
  exportCheckpoint({ checkpoint, out, dtype: 'int8', target: 'wasm' });
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagewise-convert-e2e-'));
  ext = await launchExtension();
  ui = await ext.openExtensionPage('ui/options/options.html');
});
afterAll(async () => {
  await ext?.close();
  for (const hub of hubs) await hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a checkpoint converted in the browser', () => {
  test('a sharded checkpoint becomes the Node exporter\'s graph byte for byte, says where it came from, and answers', async () => {
    const checkpoint = join(dir, 'sharded');
    writeShardedCheckpoint(ensureTestModel('tiny-dense').checkpoint, checkpoint, 2);
    const hub = await hubFor(checkpoint, 'pagewise-test/sharded');
    const modelId = await addCheckpoint(ui, hub);
    const plan = await callEngine(ui, 'store.plan-download', { modelId });
    // This browser runs WebGPU only on a software adapter, so the CPU graph is chosen.
    expect(plan).toMatchObject({ ok: true, result: { backend: 'wasm', dtype: 'int8', commit: hub.commit } });
    const outcome = await storeModel(ui, modelId, { chunkBytes: 64 * 1024 });
    expect(outcome, JSON.stringify(outcome).slice(0, 400)).toMatchObject({ ok: true, result: { status: 'verified' } });

    const stored = await storedDigests(ui, modelId);
    expect(stored).toEqual(await fileDigests(await nodeExport(checkpoint), Object.keys(stored)));
    const row = await modelRow(ui, modelId);
    expect(row).toMatchObject({ state: 'verified', format: 'safetensors', backend: 'wasm', dtype: 'int8' });
    const provenance = (row as unknown as { provenance: { sources: Array<{ path: string; verified: boolean }>; convertedBy: string } }).provenance;
    expect(provenance.convertedBy).toMatch(/^Pagewise \d/);
    expect(provenance.sources.map((s) => s.path).sort()).toEqual(['config.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json', 'tokenizer.json', 'tokenizer_config.json']);
    expect(provenance.sources.every((s) => s.verified)).toBe(true);

    expect(await callEngine(ui, 'engine.load', { modelId })).toMatchObject({ ok: true, result: { backend: 'wasm', dtype: 'int8' } });
    const answer = await callEngine(ui, 'engine.generate', { messages: [{ role: 'user', content: 'Hello' }], sampling: greedy, maxNewTokens: 6 });
    expect(answer).toMatchObject({ ok: true });
  });

  test('a browser closed halfway through a conversion resumes it where it stopped, and the result is byte-identical', async () => {
    const checkpoint = ensureTestModel('tiny-dense').checkpoint;
    const hub = await hubFor(checkpoint, 'pagewise-test/closed');
    const profile = await mkdtemp(join(dir, 'profile-'));
    let first = await launchExtension({ userDataDir: profile });
    try {
      const page = await first.openExtensionPage('ui/options/options.html');
      const modelId = await addCheckpoint(page, hub);
      const consent = await consentFor(page, modelId);
      hub.setThrottle(150_000);
      await startEngineCall(page, 'store.download', { modelId, consent, chunkBytes: 64 * 1024 });
      await waitFor(async () => ((await modelRow(page, modelId))?.storedBytes ?? 0) > 300_000, 30_000, 'part of the conversion to be stored');
      await first.close({ keepProfile: true });
      hub.setThrottle(undefined);
      const before = hub.contentRequests().length;

      first = await launchExtension({ userDataDir: profile });
      const again = await first.openExtensionPage('ui/options/options.html');
      const halfway = await modelRow(again, modelId);
      expect(halfway).toMatchObject({ state: 'partial' });
      expect(halfway!.storedBytes).toBeGreaterThan(0);
      const outcome = await storeModel(again, modelId, { chunkBytes: 64 * 1024 });
      expect(outcome, JSON.stringify(outcome).slice(0, 400)).toMatchObject({ ok: true, result: { status: 'verified' } });
      // The weights were asked for again from where the conversion stood, not from their start.
      const weights = hub.contentRequests().slice(before).filter((r) => r.path.startsWith('/cdn/') && r.rangeStart > 8);
      expect(weights.length).toBeGreaterThan(0);
      expect(weights.every((r) => r.rangeStart > 100_000)).toBe(true);
      const stored = await storedDigests(again, modelId);
      expect(stored).toEqual(await fileDigests(await nodeExport(checkpoint), Object.keys(stored)));
    } finally {
      await first.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  test('space that runs out mid-conversion stops it and leaves nothing behind', async () => {
    const cdp: CDPSession = await ext.context.newCDPSession(ui);
    const setQuota = (quotaSize?: number) => cdp.send('Storage.overrideQuotaForOrigin', { origin: `chrome-extension://${ext.extensionId}`, quotaSize });
    const hub = await hubFor(ensureTestModel('tiny-dense').checkpoint, 'pagewise-test/quota');
    const modelId = await addCheckpoint(ui, hub);
    try {
      await setQuota(50_000_000);
      const consent = await consentFor(ui, modelId);
      hub.setThrottle(200_000);
      const call = await startEngineCall(ui, 'store.download', { modelId, consent, chunkBytes: 64 * 1024 });
      await waitFor(async () => ((await modelRow(ui, modelId))?.storedBytes ?? 0) > 100_000, 30_000, 'part of the conversion to be stored');
      // Something else takes the space.
      await setQuota(100_000);
      hub.setThrottle(undefined);
      const outcome = await awaitEngineCall(ui, call);
      expect(outcome).toMatchObject({ ok: true, result: { status: 'quota-exceeded' } });
      expect(await storedChunkCount(ui, modelId)).toBe(0);
      expect(await modelRow(ui, modelId)).toMatchObject({ state: 'absent', storedBytes: 0 });
    } finally {
      // No size: the browser's own quota again.
      await setQuota();
    }
  });

  test('a repository the hub does not have, or a checkpoint that is not LFM2, is refused when it is added, in words, and not listed', async () => {
    const hub = await hubFor(ensureTestModel('tiny-dense').checkpoint, 'pagewise-test/present');
    const missing = await callEngine(ui, 'store.add-custom-model', { format: 'safetensors', repo: 'pagewise-test/absent', revision: 'main', baseUrl: hub.baseUrl });
    expect(missing).toMatchObject({ ok: false, error: { message: 'pagewise-test/absent (revision main) was not found on the hub: check the name, or it may be private.' } });
    const llama = join(dir, 'llama');
    writeShardedCheckpoint(ensureTestModel('tiny-dense').checkpoint, llama, 1);
    await writeFile(join(llama, 'config.json'), JSON.stringify({ model_type: 'llama', hidden_size: 64 }));
    const llamaHub = await hubFor(llama, 'pagewise-test/llama');
    const refused = await callEngine(ui, 'store.add-custom-model', { format: 'safetensors', repo: llamaHub.repo, revision: 'main', baseUrl: llamaHub.baseUrl });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unsupported', message: expect.stringContaining('Pagewise converts LFM2 checkpoints') } });
    const listed = await callEngine(ui, 'store.list-models', {});
    const repos = (listed as { result: { models: Array<{ repo?: string }> } }).result.models.map((m) => m.repo);
    expect(repos).not.toContain('pagewise-test/absent');
    expect(repos).not.toContain(llamaHub.repo);
  });

  test('an ONNX export whose experts carry zero points is refused for WebGPU when it is added, before its data is downloaded, saying why', async () => {
    const repo = join(dir, 'zero-points');
    await writeZeroPointExport(repo);
    const hub = await hubFor(repo, 'pagewise-test/zero-points');
    const webgpu = await launchExtension({ webgpu: true });
    try {
      const page = await webgpu.openExtensionPage('ui/options/options.html');
      const added = await callEngine(page, 'store.add-custom-model', { format: 'onnx', repo: hub.repo, revision: 'main', dtype: 'q4', backend: 'webgpu', baseUrl: hub.baseUrl });
      expect(added).toMatchObject({ ok: false, error: { code: 'unsupported', message: expect.stringContaining('zero points') } });
      expect((added as { error: { message: string } }).error.message).toMatch(/runs on this device instead/);
      // Refused, it is not listed.
      const listed = await callEngine(page, 'store.list-models', {});
      expect((listed as { result: { models: Array<{ repo?: string }> } }).result.models.map((m) => m.repo)).not.toContain(hub.repo);
      expect(hub.contentRequests().filter((r) => r.path.includes('onnx_data'))).toEqual([]);
    } finally {
      await webgpu.close();
    }
  });
});

describe('a stored model that does not run', () => {
  let goodId = '';
  let brokenId = '';

  test('is passed over for the next stored model that does, and the engine says so', async () => {
    const goodHub = await hubFor(ensureTestModel('tiny-dense').checkpoint, 'pagewise-test/good');
    goodId = await addCheckpoint(ui, goodHub);
    expect(await storeModel(ui, goodId)).toMatchObject({ ok: true, result: { status: 'verified' } });
    expect(await callEngine(ui, 'engine.load', { modelId: goodId })).toMatchObject({ ok: true });
    const broken = join(dir, 'broken');
    await writeZeroPointExport(broken);
    // A model that loads but whose first run fails: a graph whose config the engine cannot use.
    const brokenHub = await hubFor(broken, 'pagewise-test/broken');
    const added = await callEngine(ui, 'store.add-custom-model', { format: 'onnx', repo: brokenHub.repo, revision: 'main', dtype: 'q4', backend: 'wasm', baseUrl: brokenHub.baseUrl });
    brokenId = (added as { result: { id: string } }).result.id;
    expect(await storeModel(ui, brokenId)).toMatchObject({ ok: true, result: { status: 'verified' } });
    // The broken model is the one the user chose last.
    await ui.evaluate(async (id) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('pagewise-engine');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise((resolve) => {
        const tx = db.transaction('settings', 'readwrite');
        tx.objectStore('settings').put(id, 'activeModel');
        tx.oncomplete = resolve;
      });
      db.close();
    }, brokenId);
    await ext.worker.evaluate(() => chrome.offscreen.closeDocument().catch(() => undefined));

    const page = { url: 'http://127.0.0.1/a', title: 'A page', lang: 'en', pdf: false, source: 'article', headings: [], blocks: [{ text: 'Night trains are back in Europe.', section: -1 }], selection: '', truncated: false };
    const summary = await callEngine(ui, 'task.summarize', { page, options: { type: 'tldr', length: 'short', format: 'plain-text', language: 'en', scope: 'page' } });
    expect(summary, JSON.stringify(summary).slice(0, 400)).toMatchObject({ ok: true });
    const state = await callEngine(ui, 'engine.get-state', {});
    expect(state).toMatchObject({ ok: true, result: { phase: 'ready', notice: expect.stringContaining('did not run here') } });
    expect((state as { result: { modelId: string } }).result.modelId).toBe(goodId);
  });

  test('chosen with Use, it says why it did not load and offers the stored model that runs, which then loads', async () => {
    expect(brokenId).not.toBe('');
    const page = await ext.openExtensionPage('ui/options/options.html');
    try {
      const broken = page.locator(`li.model[data-model-id="${brokenId}"]`);
      await broken.locator('button[data-action="use"]').click();
      await expect.poll(() => broken.textContent(), { timeout: 60_000 }).toContain('The model could not be loaded');
      expect(await broken.locator(`button[data-action="verify"]`).count()).toBe(2);
      const instead = broken.locator('button[data-action="use-instead"]');
      const goodLabel = await page.locator(`li.model[data-model-id="${goodId}"] .model-label`).textContent();
      expect(await instead.textContent()).toBe(`Use ${goodLabel} instead`);
      await instead.click();
      await expect.poll(async () => ((await callEngine(page, 'engine.get-state', {})) as { result?: { phase: string; modelId?: string } }).result, { timeout: 60_000 }).toMatchObject({ phase: 'ready', modelId: goodId });
    } finally {
      await page.close();
    }
  });
});

/**
 * An ONNX repository (transformers.js layout) whose graph is a top-level QMoE with zero points, as the official
 * 8B export's experts are: its config is not an LFM2 model's either, so no engine could run it.
 */
async function writeZeroPointExport(repo: string): Promise<void> {
  const g = new GraphBuilder('zero-points');
  const x = g.input('x', 'float32', [1, 64]);
  const router = g.input('router', 'float32', [1, 4]);
  const w = (name: string, bytes: number) => g.initializer({ name, elementType: 'uint8', dims: [bytes], rawData: new Uint8Array(bytes) });
  const s = (name: string) => g.initializer({ name, elementType: 'float32', dims: [4], rawData: new Uint8Array(16) });
  g.op1('QMoE', [x, router, w('fc1', 1024), s('fc1.scales'), '', w('fc2', 1024), s('fc2.scales'), '', '', '', '', w('fc1.zp', 16), w('fc2.zp', 16)], { k: 2 }, { domain: 'com.microsoft', outputs: ['y'] });
  g.output('y', 'float32', [1, 64]);
  await mkdir(join(repo, 'onnx'), { recursive: true });
  await writeFile(join(repo, 'onnx/model_q4.onnx'), encodeGraph(g.build()));
  await writeFile(join(repo, 'onnx/model_q4.onnx_data'), new Uint8Array(1024));
  await writeFile(join(repo, 'config.json'), JSON.stringify({ model_type: 'lfm2_moe_official_export' }));
  await writeFile(join(repo, 'tokenizer.json'), JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab: {} } }));
  await writeFile(join(repo, 'tokenizer_config.json'), JSON.stringify({}));
}
