// One record in the weight store that cannot be read as a model (a disk gone bad, a version's bug) must not take
// the model list down with it: the list shows everything else, and the broken one as deletable.
import 'fake-indexeddb/auto';
import { createStore, set } from 'idb-keyval';
import { expect, test } from 'vitest';
import { listModels } from '../../../src/store/model-list';
import { BUILT_IN_MODELS } from '../../../src/store/model-registry';
import { WeightDb } from '../../../src/store/weight-db';

test('a corrupt model record is listed as broken and can be deleted; every other model still lists', async () => {
  const store = createStore('pagewise-weights-broken', 'records');
  const db = new WeightDb(store);
  const entry = BUILT_IN_MODELS[0]!;
  await db.putModel({ entry, backend: entry.targets[0]!.backend, dtype: entry.targets[0]!.dtype, chunkBytes: 1024, files: [{ path: 'config.json', size: 10, sha256: 'x', chunks: 0 } as never], state: 'partial', updatedAt: 0 });
  await set(['model', 'garbled'], { entry: null, files: 'not a list' }, store);
  await set(['model', BUILT_IN_MODELS[1]!.id], 42, store);

  expect((await db.listModels()).map((record) => record.entry.id)).toEqual([entry.id]);
  expect((await db.listBrokenModels()).sort()).toEqual([BUILT_IN_MODELS[1]!.id, 'garbled'].sort());
  expect(await db.getModel('garbled')).toBeUndefined();

  const { models } = await listModels({ db, estimate: async () => ({ usage: 0, quota: 1e12 }) }, () => false);
  expect(models.find((m) => m.id === entry.id)?.state).toBe('partial');
  expect(models.find((m) => m.id === BUILT_IN_MODELS[1]!.id)?.state).toBe('broken');
  expect(models.find((m) => m.id === 'garbled')).toMatchObject({ state: 'broken', label: 'garbled', storedBytes: 0 });

  await db.deleteModel('garbled');
  await db.deleteModel(BUILT_IN_MODELS[1]!.id);
  expect(await db.listBrokenModels()).toEqual([]);
});
