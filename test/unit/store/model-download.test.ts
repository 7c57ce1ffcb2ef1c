import 'fake-indexeddb/auto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, set } from 'idb-keyval';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startLocalHub, writeFixtureModel, type FixtureModel, type LocalHub } from '../../e2e/harness/local-hub';
import { customHubEntry, type ModelEntry } from '../../../src/store/model-registry';
import { memoryLocks } from '../../support/memory-locks';
import { deleteStoredModel, downloadModel, planDownload, readGraphFile, type DownloadRequest, type StoreDeps } from '../../../src/store/model-download';
import { ModelBusyError } from '../../../src/store/model-lock';
import { openModel } from '../../../src/store/open-model';
import { verifyModel } from '../../../src/store/verify-model';
import { recordBytesStored, WeightDb } from '../../../src/store/weight-db';
import type { StoreNotice } from '../../../src/store/file-download';

const CHUNK = 64 * 1024;
const REPO = 'pagewise-test/fixture-model';
let dir: string;
let model: FixtureModel;
let hub: LocalHub;
let dbCount = 0;

function freshDeps(quota = 10 * 1024 ** 3): StoreDeps & { store: ReturnType<typeof createStore> } {
  const store = createStore(`weights-${++dbCount}`, 'records');
  return { db: new WeightDb(store), store, fetchFn: fetch, estimate: async () => ({ usage: 0, quota }), locks: memoryLocks() };
}

function entry(): ModelEntry {
  return customHubEntry({ format: 'onnx', repo: REPO, revision: 'main', dtype: model.dtype, backend: 'wasm', baseUrl: hub.baseUrl });
}

function request(overrides: Partial<DownloadRequest> = {}): DownloadRequest & { notices: StoreNotice[] } {
  const notices: StoreNotice[] = [];
  return {
    entry: entry(),
    hubBaseUrl: 'https://huggingface.co',
    approvedBytes: Number.MAX_SAFE_INTEGER,
    chunkBytes: CHUNK,
    stallMs: 1_000,
    signal: new AbortController().signal,
    onProgress: () => undefined,
    onNotice: (notice) => notices.push(notice),
    notices,
    ...overrides,
  };
}

/** Every stored file, read back from the store, equals the file the hub serves. */
async function expectByteIdentical(db: WeightDb, id: string, from = model.dir): Promise<void> {
  const opened = await openModel(id, db);
  for (const file of opened.files) {
    const expected = await readFile(join(from, file.path));
    expect(Buffer.from(await (await file.blob()).arrayBuffer()).equals(expected), file.path).toBe(true);
    expect(Buffer.from(await file.bytes()).equals(expected), file.path).toBe(true);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagewise-store-'));
  model = await writeFixtureModel(join(dir, 'v1'), { width: 512, dataFiles: 3, weightsPerFile: 2 });
  hub = await startLocalHub({ modelDir: model.dir, repo: REPO });
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => hub.setFaults({}));

describe('downloading a model into the store', () => {
  test('ends with a byte-identical, verified model whatever faults the server injects', async () => {
    hub.setFaults({ drops: 24, dropSpacing: 200_000, serverErrors: 3, rateLimits: 2, stalls: 2, corruptOnce: ['onnx/model_q4.onnx_data_1'], rate: 0.5, seed: 7 });
    const deps = freshDeps();
    const req = request();
    const outcome = await downloadModel(deps, req);
    expect(outcome).toMatchObject({ status: 'verified', totalBytes: model.totalBytes });
    const served = hub.faultsServed();
    expect(served.drop).toBeGreaterThanOrEqual(20);
    expect(served.corrupt).toBe(1);
    for (const kind of ['server-error', 'rate-limit', 'stall'] as const) expect(served[kind], kind).toBeGreaterThanOrEqual(1);
    expect(req.notices).toContainEqual(expect.objectContaining({ type: 'discarded', reason: 'checksum', path: 'onnx/model_q4.onnx_data_1' }));
    await expectByteIdentical(deps.db, req.entry.id);
  });

  test('resumes a stopped download from its last stored chunk, not from zero', async () => {
    const deps = freshDeps();
    const stop = new AbortController();
    const first = request({
      signal: stop.signal,
      onProgress: ({ overall }) => {
        if (overall.bytes > model.totalBytes / 2) stop.abort(new Error('closed'));
      },
    });
    await expect(downloadModel(deps, first)).rejects.toThrow('closed');
    const record = await deps.db.getModel(first.entry.id);
    expect(record?.state).toBe('partial');
    const storedChunks = await deps.db.countChunks(first.entry.id);
    expect(storedChunks).toBeGreaterThan(0);

    const before = hub.contentRequests().length;
    const outcome = await downloadModel(deps, request());
    expect(outcome.status).toBe('verified');
    if (outcome.status === 'verified') expect(outcome.fetchedBytes).toBeLessThan(model.totalBytes * 0.6);
    const resumed = hub.contentRequests().slice(before);
    expect(resumed[0]!.rangeStart).toBeGreaterThan(0);
    await expectByteIdentical(deps.db, first.entry.id);
  });

  test('stays on the commit it started with when the branch moves on the server', async () => {
    const deps = freshDeps();
    const pinned = hub.commit;
    const stop = new AbortController();
    await expect(
      downloadModel(deps, request({ signal: stop.signal, onProgress: ({ overall }) => overall.bytes > CHUNK * 3 && stop.abort(new Error('closed')) })),
    ).rejects.toThrow('closed');
    const v2 = await writeFixtureModel(join(dir, 'v2'), { width: 512, dataFiles: 3, weightsPerFile: 2, seed: 99 });
    const moved = await hub.moveRevision(v2.dir);
    expect(moved).not.toBe(pinned);
    try {
      const outcome = await downloadModel(deps, request());
      expect(outcome).toMatchObject({ status: 'verified', commit: pinned });
      await expectByteIdentical(deps.db, entry().id);
    } finally {
      await hub.moveRevision(model.dir);
    }
  });

  test('a mirror that changes a file in place under the same commit is caught and the model never usable', async () => {
    const mirrorDir = join(dir, 'mirror');
    const original = await writeFixtureModel(mirrorDir, { width: 512, dataFiles: 3, weightsPerFile: 2 });
    const mirror = await startLocalHub({ modelDir: original.dir, repo: REPO });
    try {
      const deps = freshDeps();
      const stop = new AbortController();
      const mirrored = (): ModelEntry => customHubEntry({ format: 'onnx', repo: REPO, revision: 'main', dtype: model.dtype, backend: 'wasm', baseUrl: mirror.baseUrl });
      await expect(
        downloadModel(deps, request({ entry: mirrored(), signal: stop.signal, onProgress: ({ file }) => file.path.endsWith('_data') && file.bytes > CHUNK * 4 && stop.abort(new Error('closed')) })),
      ).rejects.toThrow('closed');
      await mirror.rewriteInPlace((await writeFixtureModel(join(dir, 'mirror-v2'), { width: 512, dataFiles: 3, weightsPerFile: 2, seed: 5 })).dir);
      const resumed = request({ entry: mirrored() });
      await expect(downloadModel(deps, resumed)).rejects.toThrow(/onnx\/model_q4\.onnx_data/);
      expect(resumed.notices).toContainEqual(expect.objectContaining({ type: 'discarded', reason: 'changed', path: 'onnx/model_q4.onnx_data' }));
      expect((await deps.db.getModel(mirrored().id))?.state).toBe('partial');
      await expect(openModel(mirrored().id, deps.db)).rejects.toThrow(/not completely downloaded/);
    } finally {
      await mirror.close();
    }
  });

  test.each([
    ['a byte stream (read straight into chunks)', false],
    ['a plain stream (pieces copied into chunks)', true],
  ])('resumes from a server that ignores Range, whose body is %s', async (_, plainStream) => {
    const deps = freshDeps();
    const stop = new AbortController();
    const first = request({ signal: stop.signal, onProgress: ({ file }) => file.path.endsWith('_data') && file.bytes > CHUNK * 4 && stop.abort(new Error('closed')) });
    await expect(downloadModel(deps, first)).rejects.toThrow('closed');
    // Sends every file from its first byte (200), as a server without Range support does.
    const fetchFn: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.delete('range');
      const response = await fetch(input, { ...init, headers });
      if (!plainStream || !response.body) return response;
      return new Response(response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>()), { status: response.status, headers: response.headers });
    };
    const outcome = await downloadModel({ ...deps, fetchFn }, request());
    expect(outcome).toMatchObject({ status: 'verified', totalBytes: model.totalBytes });
    if (outcome.status === 'verified') expect(outcome.fetchedBytes).toBeLessThan(model.totalBytes);
    await expectByteIdentical(deps.db, first.entry.id);
  });

  test('an ONNX graph file too large to be only a graph is refused before consent, and nothing is fetched', async () => {
    const deps = freshDeps();
    let fetched = 0;
    const record = { ...(await planDownload(deps, entry(), hub.baseUrl, new AbortController().signal)).record };
    record.files = record.files.map((file) => (file.path.endsWith('.onnx') ? { ...file, size: 300_000_000 } : file));
    const counting: typeof fetch = (input, init) => (fetched++, fetch(input, init));
    await expect(readGraphFile({ ...deps, fetchFn: counting }, record, hub.baseUrl, new AbortController().signal)).rejects.toThrow(/takes 300 MB: its weights are inside it/);
    expect(fetched).toBe(0);
  });

  test('refuses to start without consent for the full size, and stores nothing', async () => {
    const deps = freshDeps();
    await expect(downloadModel(deps, request({ approvedBytes: 1000 }))).rejects.toThrow(/consent/);
    expect(await deps.db.countChunks()).toBe(0);
  });

  test('a quota too small for the model stops before downloading, with the figures', async () => {
    const deps = freshDeps(Math.floor(model.totalBytes / 2));
    const outcome = await downloadModel(deps, request());
    expect(outcome).toMatchObject({ status: 'quota-exceeded', neededBytes: model.totalBytes, availableBytes: Math.floor(model.totalBytes / 2) });
    expect(await deps.db.countChunks()).toBe(0);
    expect(await deps.db.getModel(entry().id)).toBeUndefined();
  });

  test('the store filling up before any file is verified stops cleanly and leaves nothing', async () => {
    const deps = freshDeps();
    deps.db.putChunk = async () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    const outcome = await downloadModel(deps, request());
    expect(outcome.status).toBe('quota-exceeded');
    expect(await deps.db.countChunks()).toBe(0);
    expect(await deps.db.getModel(entry().id)).toBeUndefined();
  });

  test('the store filling up after some files are verified loses only the unfinished file, and the download resumes from the rest', async () => {
    const deps = freshDeps();
    const first = request();
    const verifiedBefore: string[] = [];
    const putChunk = deps.db.putChunk.bind(deps.db);
    let full = false;
    deps.db.putChunk = async (record, path, index, bytes) => {
      // Space runs out on the second chunk of the first file bigger than one chunk, once another file is verified.
      if (index === 1 && record.files.some((file) => file.verified)) {
        full = true;
        verifiedBefore.push(...record.files.filter((file) => file.verified).map((file) => file.path));
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return putChunk(record, path, index, bytes);
    };
    const outcome = await downloadModel(deps, first);
    expect(full).toBe(true);
    const stored = await deps.db.getModel(entry().id);
    expect(stored?.files.filter((file) => file.verified).map((file) => file.path)).toEqual(verifiedBefore);
    expect(stored?.files.filter((file) => !file.verified).every((file) => file.chunks === 0 && !file.hashState)).toBe(true);
    const keptChunks = stored!.files.reduce((sum, file) => sum + file.chunks, 0);
    expect(await deps.db.countChunks()).toBe(keptChunks);
    expect(outcome).toMatchObject({ status: 'quota-exceeded', neededBytes: model.totalBytes - recordBytesStored(stored!) });

    deps.db.putChunk = putChunk;
    const second = request();
    expect((await downloadModel(deps, second)).status).toBe('verified');
    await expectByteIdentical(deps.db, second.entry.id);
  });

  test('a chunk IndexedDB failed to write is fetched and stored again, and the model still verifies', async () => {
    const deps = freshDeps();
    let writes = 0;
    const putChunk = deps.db.putChunk.bind(deps.db);
    deps.db.putChunk = async (...args) => {
      // Chromium's wording; later chunks were already hashed when this one fails, so the hasher must rewind.
      if (++writes === 4) throw new DOMException('Failed to write blobs (InvalidBlob)', 'DataError');
      return putChunk(...args);
    };
    const req = request();
    expect((await downloadModel(deps, req)).status).toBe('verified');
    expect(req.notices.filter((n) => n.type === 'retrying').map((n) => n.type === 'retrying' && n.reason)).toEqual(['Failed to write blobs (InvalidBlob)']);
    expect(req.notices.some((n) => n.type === 'discarded')).toBe(false);
    await expectByteIdentical(deps.db, req.entry.id);
  });

  test('plans with the hub listing: size, free space, pinned commit', async () => {
    const deps = freshDeps(1e9);
    const { plan } = await planDownload(deps, entry(), 'https://huggingface.co', new AbortController().signal);
    expect(plan).toMatchObject({ commit: hub.commit, totalBytes: model.totalBytes, storedBytes: 0, availableBytes: 1e9, fits: true });
  });
});

describe('re-verifying a stored model', () => {
  test('finds a damaged chunk, discards only that file, and the next download repairs it', async () => {
    const deps = freshDeps();
    const req = request();
    expect((await downloadModel(deps, req)).status).toBe('verified');
    await set(['chunk', req.entry.id, 'onnx/model_q4.onnx_data_2', 1], new Blob([new Uint8Array(CHUNK)]), deps.store);

    const outcome = await verifyModel(deps, req.entry.id, new AbortController().signal, () => undefined);
    expect(outcome).toEqual({ verified: false, badFiles: ['onnx/model_q4.onnx_data_2'], missingFiles: [] });
    await expect(openModel(req.entry.id, deps.db)).rejects.toThrow(/not completely downloaded/);

    const before = hub.contentRequests().length;
    const repaired = await downloadModel(deps, request());
    expect(repaired.status).toBe('verified');
    expect(hub.contentRequests().slice(before).map((r) => r.path)).toHaveLength(1);
    await expectByteIdentical(deps.db, req.entry.id);
  });
});

describe('the local hub', () => {
  test('serves text files with their git blob id and large files through a CDN redirect', async () => {
    const tree = (await (await fetch(`${hub.baseUrl}/api/models/${REPO}/tree/main?recursive=true`)).json()) as Array<{ path: string; lfs?: unknown }>;
    expect(tree.find((e) => e.path === 'config.json')?.lfs).toBeUndefined();
    expect(tree.find((e) => e.path === 'onnx/model_q4.onnx_data')?.lfs).toBeDefined();
    const response = await fetch(`${hub.baseUrl}/${REPO}/resolve/main/onnx/model_q4.onnx_data`, { headers: { Range: 'bytes=10-19' } });
    expect(response.status).toBe(206);
    expect(response.url).toContain('/cdn/');
    await writeFile(join(dir, 'range.bin'), Buffer.from(await response.arrayBuffer()));
    expect((await readFile(join(dir, 'range.bin'))).equals((await readFile(join(model.dir, 'onnx/model_q4.onnx_data'))).subarray(10, 20))).toBe(true);
  });
});

describe('one writer per model', () => {
  test('a second download of a model already downloading is refused at once; a delete waits for the first to stop', async () => {
    const deps = freshDeps();
    const controller = new AbortController();
    hub.setThrottle(2_000_000);
    try {
      const first = downloadModel(deps, request({ signal: controller.signal }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await expect(downloadModel(deps, request())).rejects.toBeInstanceOf(ModelBusyError);
      // The delete waits for the model's lock: no chunk of the cancelled download can land after it.
      const order: string[] = [];
      const stopped = first.catch(() => order.push('download stopped'));
      const deleted = deleteStoredModel(deps, entry().id).then(() => order.push('deleted'));
      setTimeout(() => controller.abort(), 300);
      await Promise.all([stopped, deleted]);
      expect(order).toEqual(['download stopped', 'deleted']);
      expect(await deps.db.getModel(entry().id)).toBeUndefined();
      expect(await deps.db.countChunks(entry().id)).toBe(0);
    } finally {
      hub.setThrottle(undefined);
    }
  });

  test('a delete during a download whose writes are slow is final: no queued chunk write brings the record back', async () => {
    const deps = freshDeps();
    const controller = new AbortController();
    const putChunk = deps.db.putChunk.bind(deps.db);
    let writesStarted = 0;
    deps.db.putChunk = async (...args) => {
      writesStarted++;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return putChunk(...args);
    };
    const download = downloadModel(deps, request({ signal: controller.signal })).catch(() => 'stopped');
    await expect.poll(() => writesStarted, { timeout: 10_000 }).toBeGreaterThan(2);
    controller.abort();
    await deleteStoredModel(deps, entry().id);
    expect(await download).toBe('stopped');
    // Long enough for any write still queued to land.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await deps.db.getModel(entry().id)).toBeUndefined();
    expect(await deps.db.countChunks()).toBe(0);
  });
});
