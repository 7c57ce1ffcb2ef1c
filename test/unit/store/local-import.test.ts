import 'fake-indexeddb/auto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createStore } from 'idb-keyval';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeFixtureModel, type FixtureModel } from '../../e2e/harness/local-hub';
import { memoryLocks } from '../../support/memory-locks';
import { importLocalFolder, type PickedFile } from '../../../src/store/local-import';
import { openModel } from '../../../src/store/open-model';
import { verifyModel } from '../../../src/store/verify-model';
import { WeightDb } from '../../../src/store/weight-db';

let dir: string;
let model: FixtureModel;
let picked: PickedFile[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pagewise-import-'));
  model = await writeFixtureModel(join(dir, 'my-model'), { width: 128, dataFiles: 2, weightsPerFile: 2 });
  const entries = await readdir(model.dir, { recursive: true, withFileTypes: true });
  picked = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => {
      const absolute = join(e.parentPath, e.name);
      return { path: relative(model.dir, absolute), file: new Blob([await readFile(absolute)]) };
    }),
  );
  picked.push({ path: 'README.md', file: new Blob(['not part of the model']) });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('importing a model from a folder on disk', () => {
  test('stores exactly the model’s files, usable and re-verifiable, with no network', async () => {
    const db = new WeightDb(createStore('import-1', 'records'));
    let progress = 0;
    const outcome = await importLocalFolder(
      { db, estimate: async () => ({ usage: 0, quota: 1e9 }), locks: memoryLocks() },
      { folderName: 'my-model', files: picked, dtype: 'q4', backend: 'wasm', chunkBytes: 64 * 1024, onProgress: (bytes) => (progress = bytes) },
    );
    expect(outcome).toMatchObject({ status: 'verified', totalBytes: model.totalBytes, entry: { source: 'local', id: 'local/my-model#q4' } });
    expect(progress).toBe(model.totalBytes);
    const opened = await openModel('local/my-model#q4', db);
    expect(opened.files.map((f) => f.path)).not.toContain('README.md');
    for (const file of opened.files) {
      const stored = Buffer.from(await (await file.blob()).arrayBuffer());
      expect(stored.equals(await readFile(join(model.dir, file.path))), file.path).toBe(true);
    }
    expect(await verifyModel({ db, locks: memoryLocks() }, 'local/my-model#q4', new AbortController().signal, () => undefined)).toEqual({ verified: true, badFiles: [], missingFiles: [] });
  });

  test('a folder larger than the free space is refused with the figures, storing nothing', async () => {
    const db = new WeightDb(createStore('import-2', 'records'));
    const outcome = await importLocalFolder(
      { db, estimate: async () => ({ usage: 900, quota: 1000 }), locks: memoryLocks() },
      { folderName: 'my-model', files: picked, dtype: 'q4', backend: 'wasm', onProgress: () => undefined },
    );
    expect(outcome).toEqual({ status: 'quota-exceeded', neededBytes: model.totalBytes, availableBytes: 100, quotaBytes: 1000 });
    expect(await db.countChunks()).toBe(0);
  });

  test('a folder without the dtype’s graph is refused, naming what is missing', async () => {
    const db = new WeightDb(createStore('import-3', 'records'));
    await expect(
      importLocalFolder({ db, estimate: async () => ({ usage: 0, quota: 1e9 }), locks: memoryLocks() }, { folderName: 'x', files: picked, dtype: 'int8', backend: 'wasm', onProgress: () => undefined }),
    ).rejects.toThrow('onnx/model_int8.onnx');
  });
});
