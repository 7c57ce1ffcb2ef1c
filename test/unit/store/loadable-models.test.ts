import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../../src/engine/capability-probe';
import { chooseModel } from '../../../src/engine/model-choice';
import { loadableModels } from '../../../src/store/model-list';
import { BUILT_IN_MODELS, customHubEntry, type ModelEntry } from '../../../src/store/model-registry';
import { WeightDb, type ModelRecord } from '../../../src/store/weight-db';

const cpuOnly: Capabilities = { webgpu: { unavailable: 'no-api' }, crossOriginIsolated: true, cores: 4 };
const bigGpu: Capabilities = { ...cpuOnly, webgpu: { adapter: 'acme', maxBufferSize: 4 * 1024 ** 3, maxStorageBufferBindingSize: 2 * 1024 ** 3, shaderF16: true, software: false } };

const moe = BUILT_IN_MODELS.find((m) => m.id === 'lfm2.5-8b-a1b')!;
const cpu = BUILT_IN_MODELS.find((m) => m.id === 'lfm2.5-1.2b-instruct')!;
const custom = customHubEntry({ format: 'onnx', repo: 'me/tiny', revision: 'main', dtype: 'q4', backend: 'wasm' });
let dbs = 0;

/** Stores each entry as its last target (the 8B's q4, the 1.2B's int8, the custom model's one graph). */
async function storeWith(entries: Array<[ModelEntry, ModelRecord['state']]>): Promise<WeightDb> {
  const db = new WeightDb(createStore(`loadable-${++dbs}`, 'records'));
  for (const [entry, state] of entries) {
    const { backend, dtype } = entry.targets.at(-1)!;
    await db.putModel({ entry, backend, dtype, chunkBytes: 1024, files: [{ path: 'onnx/model.onnx', size: 5e6, digest: { algorithm: 'sha256', hex: '' }, chunks: 0, verified: state === 'verified' }], state, updatedAt: 0 });
  }
  return db;
}

async function picked(caps: Capabilities, db: WeightDb, activeId?: string): Promise<string | undefined> {
  const choice = chooseModel(caps, await loadableModels(db, activeId));
  return choice.ok ? choice.candidate.modelId : undefined;
}

describe('which stored model loads when work arrives and none is loaded', () => {
  it('takes the best verified model this device runs', async () => {
    const db = await storeWith([[cpu, 'verified'], [moe, 'verified']]);
    expect(await picked(bigGpu, db)).toBe(moe.id);
    expect(await picked(cpuOnly, db)).toBe(cpu.id);
  });

  it('prefers the active model, but never one the device cannot run', async () => {
    const db = await storeWith([[moe, 'verified'], [cpu, 'verified']]);
    expect(await picked(bigGpu, db, cpu.id)).toBe(cpu.id);
    expect(await picked(cpuOnly, db, moe.id)).toBe(cpu.id);
  });

  it('falls back to a custom model, skips partial downloads, and finds nothing for a GPU model on a CPU-only machine', async () => {
    expect(await picked(cpuOnly, await storeWith([[custom, 'verified']]))).toBe(custom.id);
    expect(await picked(cpuOnly, await storeWith([[cpu, 'partial']]))).toBeUndefined();
    expect(await picked(cpuOnly, await storeWith([[moe, 'verified']]))).toBeUndefined();
  });
});
