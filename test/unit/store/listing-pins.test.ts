// A commit id names the files, but the checksums come from the listing of whoever serves them: a mirror that
// lists other files under the same commit is refused before anything is downloaded, whether the checksums were
// shipped with Pagewise or remembered from the first listing this browser planned from (kept past a delete).
import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from 'idb-keyval';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLocalHub, writeFixtureModel, type FixtureModel, type LocalHub } from '../../e2e/harness/local-hub';
import { checkPinnedListing, ListingMismatchError } from '../../../src/store/listing-pins';
import { deleteStoredModel, downloadModel, planDownload, type StoreDeps } from '../../../src/store/model-download';
import { customHubEntry, type ModelEntry } from '../../../src/store/model-registry';
import { WeightDb } from '../../../src/store/weight-db';
import { memoryLocks } from '../../support/memory-locks';

const REPO = 'pagewise-test/pinned';
let dir: string;
let model: FixtureModel;
let other: FixtureModel;
let hub: LocalHub;
let dbCount = 0;

function freshDeps(): StoreDeps {
  return { db: new WeightDb(createStore(`pins-${++dbCount}`, 'records')), fetchFn: fetch, estimate: async () => ({ usage: 0, quota: 10 * 1024 ** 3 }), locks: memoryLocks() };
}

const entry = (pinnedDigests?: Record<string, string>): ModelEntry => ({
  ...customHubEntry({ format: 'onnx', repo: REPO, revision: hub.commit, dtype: model.dtype, backend: 'wasm', baseUrl: hub.baseUrl }),
  ...(pinnedDigests ? { pinnedDigests } : {}),
});

const download = (deps: StoreDeps, modelEntry: ModelEntry) =>
  downloadModel(deps, { entry: modelEntry, hubBaseUrl: hub.baseUrl, approvedBytes: Number.MAX_SAFE_INTEGER, signal: new AbortController().signal, onProgress: () => undefined, onNotice: () => undefined });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagewise-pins-'));
  model = await writeFixtureModel(join(dir, 'model'), { width: 256, dataFiles: 2, weightsPerFile: 2 });
  other = await writeFixtureModel(join(dir, 'other'), { width: 256, dataFiles: 2, weightsPerFile: 2, seed: 9 });
});
afterAll(async () => {
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

test('a listing that changes under a commit after the first download is refused, also after the model was deleted; planning alone remembers nothing', async () => {
  hub = await startLocalHub({ modelDir: model.dir, repo: REPO });
  const deps = freshDeps();
  await planDownload(deps, entry(), hub.baseUrl, new AbortController().signal);
  expect(await deps.db.getListingPins(REPO, hub.commit)).toBeUndefined();
  expect((await download(deps, entry())).status).toBe('verified');
  expect(await deps.db.getListingPins(REPO, hub.commit)).toMatchObject({ from: hub.baseUrl });
  await deleteStoredModel(deps, entry().id);
  // The same server, the same files: downloaded again.
  expect((await download(deps, entry())).status).toBe('verified');
  await deleteStoredModel(deps, entry().id);

  await hub.rewriteInPlace(other.dir);
  const before = hub.contentRequests().length;
  const refused = planDownload(deps, entry(), hub.baseUrl, new AbortController().signal);
  await expect(refused).rejects.toBeInstanceOf(ListingMismatchError);
  await expect(refused).rejects.toThrow(/with another checksum than the one a download started from on \d{4}-\d\d-\d\d \(http:\/\/127\.0\.0\.1:\d+\)/);
  expect(hub.contentRequests()).toHaveLength(before);
  // Another browser profile (no memory of the first listing) takes what the server lists; so does this one once
  // the listings are forgotten (a custom model forgotten).
  expect((await planDownload(freshDeps(), entry(), hub.baseUrl, new AbortController().signal)).plan.totalBytes).toBe(other.totalBytes);
  await deps.db.deleteListingPins(REPO);
  expect((await planDownload(deps, entry(), hub.baseUrl, new AbortController().signal)).plan.totalBytes).toBe(other.totalBytes);
  await hub.close();
});

test('checksums shipped with a model are the ones that count: a listing that disagrees, or leaves a pinned file out, is refused before any download', async () => {
  hub = await startLocalHub({ modelDir: model.dir, repo: REPO });
  const listed = await planDownload(freshDeps(), entry(), hub.baseUrl, new AbortController().signal);
  const shipped = Object.fromEntries(listed.record.files.map((file) => [file.path, `${file.digest.algorithm}:${file.digest.hex}`]));
  expect((await download(freshDeps(), entry(shipped))).status).toBe('verified');

  const data = 'onnx/model_q4.onnx_data';
  const wrong = { ...shipped, [data]: `sha256:${'0'.repeat(64)}` };
  const deps = freshDeps();
  await expect(download(deps, entry(wrong))).rejects.toThrow(new RegExp(`${data.replace(/[./]/g, '\\$&')} with another checksum than the listing Pagewise ships`));
  expect(await deps.db.countChunks()).toBe(0);
  await expect(download(freshDeps(), entry({ ...shipped, 'model.safetensors': `sha256:${'1'.repeat(64)}` }))).rejects.toThrow(/does not list model\.safetensors/);
  const { [data]: _, ...without } = shipped;
  await expect(download(freshDeps(), entry(without))).rejects.toThrow(new RegExp(`lists ${data.replace(/[./]/g, '\\$&')}, which is not in the listing Pagewise ships`));
  await hub.close();
});

test('a mirror that keeps every remembered file but adds others (an index and a shard beside a single file), or drops one, is refused', async () => {
  const pinned = { from: 'https://huggingface.co', at: 0, files: { 'config.json': `git-sha1:${'a'.repeat(40)}`, 'model.safetensors': `sha256:${'1'.repeat(64)}` } };
  const deps = freshDeps();
  await deps.db.putListingPins('LiquidAI/X', 'c0ffee', pinned);
  const file = (path: string, algorithm: 'sha256' | 'git-sha1', hex: string) => ({ path, size: 1, digest: { algorithm, hex } });
  const same = [file('config.json', 'git-sha1', 'a'.repeat(40)), file('model.safetensors', 'sha256', '1'.repeat(64))];
  await expect(checkPinnedListing(deps.db, 'LiquidAI/X', 'c0ffee', same, undefined, 'mirror')).resolves.toBeUndefined();
  const added = [...same, file('model.safetensors.index.json', 'git-sha1', 'd'.repeat(40)), file('model-00001-of-00001.safetensors', 'sha256', '6'.repeat(64))];
  await expect(checkPinnedListing(deps.db, 'LiquidAI/X', 'c0ffee', added, undefined, 'mirror')).rejects.toThrow(/lists model\.safetensors\.index\.json, which is not in/);
  await expect(checkPinnedListing(deps.db, 'LiquidAI/X', 'c0ffee', same.slice(0, 1), undefined, 'mirror')).rejects.toThrow(/does not list model\.safetensors/);
});
