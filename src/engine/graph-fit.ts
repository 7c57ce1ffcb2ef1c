// Whether a backend can run an ONNX graph someone else exported, judged from the graph file before its data is
// downloaded. Each rule is a failure seen or read in onnxruntime-web 1.31's kernels; the messages name it.
import type { GraphSummary } from '../model/onnx/graph-summary';
import type { Backend, Capabilities } from '../protocol/model-fit';
import { WASM_MEMORY_LIMIT } from './model-choice';

const MS = 'com.microsoft';
/** QMoE inputs 11–13 are the experts' zero points (contrib_ops/webgpu/moe/qmoe.cc refuses them). */
const QMOE_ZERO_POINTS = [11, 12, 13];
const MB = 1e6;

/** Why `backend` cannot run the graph, in words; empty when nothing stands in its way. */
export function graphProblems(graph: GraphSummary, backend: Backend, caps: Capabilities): string[] {
  const problems: string[] = [];
  const qmoe = graph.nodes.filter((node) => node.opType === 'QMoE' && node.domain === MS);
  const totalBytes = graph.initializers.reduce((sum, t) => sum + t.bytes, 0);
  if (backend === 'webgpu') {
    if (qmoe.some((node) => QMOE_ZERO_POINTS.some((i) => (node.inputs[i] ?? '') !== ''))) {
      problems.push('its experts are quantized with zero points, which the browser\'s WebGPU runtime does not support ("zero_points for QMoE are not yet supported on WebGPU")');
    }
    // Ours gives QMoE one token per call from inside an If/Scan; at the top level it sees a whole prompt at once.
    if (qmoe.some((node) => node.depth === 0)) {
      problems.push('it hands its experts several tokens per call, which loses tokens on the browser\'s WebGPU runtime (a race in its QMoE kernel)');
    }
    const gpu = caps.webgpu;
    const limit = 'unavailable' in gpu ? 0 : Math.min(gpu.maxStorageBufferBindingSize, gpu.maxBufferSize);
    const largest = graph.initializers.reduce((max, t) => (t.bytes > max.bytes ? t : max), { name: '', bytes: 0 });
    if (limit > 0 && largest.bytes > limit) {
      problems.push(`its weight ${largest.name} takes ${Math.round(largest.bytes / MB)} MB, more than this GPU allows in one buffer (${Math.round(limit / MB)} MB)`);
    }
  } else {
    // The plain WASM build runs the 4-bit embedding (GatherBlockQuantized, uint8 data, int64 indices) and QMoE:
    // test/e2e/engine-generate.e2e.ts runs both. What stops a graph here is memory.
    if (totalBytes * 1.5 > WASM_MEMORY_LIMIT) {
      problems.push(`its weights take ${(totalBytes / 1e9).toFixed(1)} GB, too much for the browser's WebAssembly memory (4 GB with room to compute)`);
    }
  }
  return problems;
}
