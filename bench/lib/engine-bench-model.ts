// The lfm2.5-1.2b preset (random weights) exported for the engine benchmarks, once per generator version:
// model_int8.onnx (the WASM graph the extension runs on CPU) and model_q4.onnx at accuracy_level 4 (the
// native CPU baseline onnxruntime-node runs fastest). Reuses the store benchmark's checkpoint when present.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportCheckpoint } from '../../scripts/export/export-checkpoint';
import { makeTestModel, sourceHash } from '../../scripts/export/test-models';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE = join(ROOT, '.cache/bench-models/lfm2.5-1.2b');
export const WASM_DTYPE = 'int8';
export const NATIVE_DTYPE = 'q4';

export function engineBenchModel(): string {
  const dir = join(ROOT, '.cache/bench-models', `lfm2.5-1.2b-engine-${sourceHash()}`);
  if (existsSync(join(dir, `onnx/model_${WASM_DTYPE}.onnx`))) return dir;
  const checkpoint = join(SOURCE, 'checkpoint');
  if (!existsSync(join(checkpoint, 'model.safetensors'))) makeTestModel('lfm2.5-1.2b', SOURCE, []);
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  const chunkBytes = 512 * 1024 * 1024;
  exportCheckpoint({ checkpoint, out: staging, dtype: NATIVE_DTYPE, target: 'cpu', chunkBytes });
  exportCheckpoint({ checkpoint, out: staging, dtype: WASM_DTYPE, target: 'wasm', chunkBytes });
  renameSync(staging, dir);
  return dir;
}

if (process.argv[1] === import.meta.filename) console.log(engineBenchModel());
