// Which graph to build for which runtime. Shared by the Node exporter and the browser's converter.
import { ConfigError, type Lfm2Config } from '../config';
import type { ExportDtype } from '../export-dtype';
import type { ExportOptions } from './lfm2-graph';

/**
 * gpu: WebGPU: MatMulNBits at accuracy_level 0, QMoE one row at a time. cpu: native onnxruntime (benchmark
 * baselines): accuracy_level 4. wasm: the extension's CPU path: int8 MatMulInteger or float32 MatMul, logits for
 * the last position only.
 */
export type ExportTarget = 'gpu' | 'cpu' | 'wasm';

export function exportOptions(config: Lfm2Config, dtype: ExportDtype, target: ExportTarget): ExportOptions {
  if (config.moe && (dtype === 'fp32' || dtype === 'int8')) {
    throw new ConfigError(`a ${dtype} export of lfm2_moe is not supported: experts are exported as QMoE (int4), and MoE models need WebGPU (WASM memory stops at 4 GB)`);
  }
  if (target === 'wasm' && dtype !== 'int8' && dtype !== 'fp32') throw new ConfigError('the WASM graph is int8 or fp32: onnxruntime-web\'s WASM build has no 4-bit embedding kernel, and its MatMulNBits ran 10× slower');
  if (dtype === 'int8' && target !== 'wasm') throw new ConfigError('int8 is the WASM graph: export it with target wasm');
  return { dtype, accuracyLevel: target === 'cpu' ? 4 : 0, qmoeOneRowAtATime: target === 'gpu', logits: target === 'wasm' ? 'last' : 'all', attention: target === 'wasm' ? 'matmul' : 'gqa' };
}
