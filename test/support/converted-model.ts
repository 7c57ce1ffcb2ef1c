import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportCheckpoint } from '../../scripts/export/export-checkpoint';
import type { ModelTarget } from '../../src/store/model-registry';
import { openModel } from '../../src/store/open-model';
import type { WeightDb } from '../../src/store/weight-db';

/** What the unit tests of in-store conversion compare: the stored model against the Node exporter's output. */

/** SHA-256 of every stored file, read back from the store. */
export async function storedHashes(db: WeightDb, id: string): Promise<Record<string, string>> {
  const model = await openModel(id, db);
  const out: Record<string, string> = {};
  for (const file of model.files) out[file.path] = createHash('sha256').update(await file.bytes()).digest('hex');
  return out;
}

/** SHA-256 of what the Node exporter writes into `out` for the same checkpoint, graph and target. */
export async function exporterHashes(checkpoint: string, target: ModelTarget, out: string, paths: string[]): Promise<Record<string, string>> {
  exportCheckpoint({ checkpoint, out, dtype: target.dtype, target: target.backend === 'wasm' ? 'wasm' : 'gpu' });
  const hashes: Record<string, string> = {};
  for (const path of paths) hashes[path] = createHash('sha256').update(await readFile(join(out, path))).digest('hex');
  return hashes;
}
