import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { callEngine, type CallOutcome } from './engine-client';
import { startLocalHub, type LocalHub } from './local-hub';

/** Store helpers for e2e tests, driving the extension from one of its pages as the options page would. */

export async function addHubModel(ui: Page, hub: LocalHub, dtype = 'q4', backend: 'wasm' | 'webgpu' = 'wasm'): Promise<string> {
  const added = await callEngine(ui, 'store.add-custom-model', { format: 'onnx', repo: hub.repo, revision: hub.revision, dtype, backend, baseUrl: hub.baseUrl });
  if (!added.ok) throw new Error(`add-custom-model failed: ${JSON.stringify(added.error)}`);
  return (added.result as { id: string }).id;
}

export async function planAndDownload(ui: Page, modelId: string, options: { chunkBytes?: number; stallTimeoutMs?: number } = {}): Promise<CallOutcome> {
  const plan = await callEngine(ui, 'store.plan-download', { modelId, ...(options.stallTimeoutMs ? { stallTimeoutMs: options.stallTimeoutMs } : {}) });
  if (!plan.ok) return plan;
  const { totalBytes } = plan.result as { totalBytes: number };
  return callEngine(ui, 'store.download', { modelId, consent: { approvedBytes: totalBytes }, ...options });
}

/**
 * Puts a model folder (hub layout) into the extension's weight store the way a user gets a model: served by a
 * local hub, added as a custom model, downloaded with consent for its size. Returns the store's model id.
 * `replacements` (path in the folder -> text) serve a changed copy, e.g. another generation_config.json.
 */
export async function storeModelFolder(ui: Page, dir: string, dtype: string, backend: 'wasm' | 'webgpu', replacements: Record<string, string> = {}): Promise<string> {
  const changed = Object.keys(replacements).length > 0;
  const served = changed ? await mkdtemp(join(tmpdir(), 'pagewise-served-')) : dir;
  if (changed) {
    await cp(dir, served, { recursive: true });
    for (const [path, text] of Object.entries(replacements)) await writeFile(join(served, path), text);
  }
  const hub = await startLocalHub({ modelDir: served, repo: `pagewise-test/${basename(dir)}-${dtype}${changed ? '-changed' : ''}` });
  try {
    const modelId = await addHubModel(ui, hub, dtype, backend);
    const outcome = await planAndDownload(ui, modelId);
    if (!outcome.ok || (outcome.result as { status: string }).status !== 'verified') throw new Error(`download of ${dir} failed: ${JSON.stringify(outcome)}`);
    return modelId;
  } finally {
    await hub.close();
    if (changed) await rm(served, { recursive: true, force: true });
  }
}

export interface ModelRow {
  id: string;
  state: 'absent' | 'partial' | 'verified';
  storedBytes: number;
  sizeBytes: number;
  commit?: string;
}

export async function modelRow(ui: Page, modelId: string): Promise<ModelRow | undefined> {
  const listed = await callEngine(ui, 'store.list-models', {});
  if (!listed.ok) throw new Error(`list-models failed: ${JSON.stringify(listed.error)}`);
  return (listed.result as { models: ModelRow[] }).models.find((model) => model.id === modelId);
}

/** SHA-256 of each stored file, read back from the extension's IndexedDB in the page, chunk by chunk. */
export async function storedDigests(ui: Page, modelId: string): Promise<Record<string, string>> {
  return ui.evaluate(async (modelId) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('pagewise-weights');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const store = () => db.transaction('records').objectStore('records');
    const record = (await request(store().get(['model', modelId]))) as { files: Array<{ path: string; chunks: number }> };
    const out: Record<string, string> = {};
    for (const file of record.files) {
      const chunks = (await request(store().getAll(IDBKeyRange.bound(['chunk', modelId, file.path], ['chunk', modelId, file.path, []])))) as Blob[];
      const bytes = await new Blob(chunks).arrayBuffer();
      out[file.path] = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    }
    db.close();
    return out;
  }, modelId);
}

/** Chunks in the extension's store, for one model or all: finds anything orphaned. */
export async function storedChunkCount(ui: Page, modelId?: string): Promise<number> {
  return ui.evaluate(async (modelId) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('pagewise-weights');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    if (!db.objectStoreNames.contains('records')) return 0;
    const range = modelId ? IDBKeyRange.bound(['chunk', modelId], ['chunk', modelId, []]) : IDBKeyRange.bound(['chunk'], ['chunk', []]);
    const count = await new Promise<number>((resolve, reject) => {
      const r = db.transaction('records').objectStore('records').count(range);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    db.close();
    return count;
  }, modelId);
}

export async function fileDigests(dir: string, paths: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of paths) out[path] = createHash('sha256').update(await readFile(join(dir, path))).digest('hex');
  return out;
}
