// npm run export -- --checkpoint DIR --out DIR --dtype q4f16|q4|fp32 [--target gpu|cpu|wasm] [--chunk-mb N]
import { parseArgs } from 'node:util';
import { EXPORT_DTYPES, type ExportDtype } from '../src/model/export-dtype';
import { exportCheckpoint, type ExportTarget } from './export/export-checkpoint';

const { values } = parseArgs({
  options: {
    checkpoint: { type: 'string' },
    out: { type: 'string' },
    dtype: { type: 'string', default: 'q4f16' },
    target: { type: 'string', default: 'gpu' },
    'chunk-mb': { type: 'string' },
  },
});
if (!values.checkpoint || !values.out) throw new Error('usage: npm run export -- --checkpoint DIR --out DIR --dtype q4f16|q4|fp32 [--target gpu|cpu|wasm] [--chunk-mb N]');
if (!EXPORT_DTYPES.includes(values.dtype as ExportDtype)) throw new Error(`--dtype must be one of ${EXPORT_DTYPES.join(', ')}`);
if (!['gpu', 'cpu', 'wasm'].includes(values.target)) throw new Error('--target must be gpu, cpu or wasm (wasm: --dtype int8)');
try {
  const result = exportCheckpoint({
    checkpoint: values.checkpoint,
    out: values.out,
    dtype: values.dtype as ExportDtype,
    target: values.target as ExportTarget,
    ...(values['chunk-mb'] ? { chunkBytes: Number(values['chunk-mb']) * 1024 * 1024 } : {}),
  });
  console.log(`wrote ${result.modelFile} and ${result.dataFiles.length} data file(s)`);
} catch (error) {
  console.error(`export failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
