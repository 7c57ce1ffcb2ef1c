import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { graphProblems } from '../../../src/engine/graph-fit';
import { encodeGraph, GraphBuilder } from '../../../src/model/onnx/graph-builder';
import { summarizeGraph } from '../../../src/model/onnx/graph-summary';
import type { Capabilities } from '../../../src/protocol';

const gpu: Capabilities = { webgpu: { adapter: 'acme', maxBufferSize: 256e6, maxStorageBufferBindingSize: 128e6, shaderF16: true, software: false }, crossOriginIsolated: true, cores: 4 };

/** A top-level QMoE as exporters write it: experts with or without zero points (inputs 11 and 12). */
function qmoeGraph(zeroPoints: boolean, expertBytes = 1024): Uint8Array {
  const g = new GraphBuilder('qmoe');
  const x = g.input('x', 'float32', [1, 64]);
  const router = g.input('router', 'float32', [1, 4]);
  const w = (name: string, bytes: number) => g.initializer({ name, elementType: 'uint8', dims: [bytes], rawData: new Uint8Array(bytes) });
  const s = (name: string) => g.initializer({ name, elementType: 'float32', dims: [4], rawData: new Uint8Array(16) });
  const inputs = [x, router, w('fc1', expertBytes), s('fc1.scales'), '', w('fc2', expertBytes), s('fc2.scales'), '', '', '', ''];
  if (zeroPoints) inputs.push(w('fc1.zero_points', 16), w('fc2.zero_points', 16));
  g.op1('QMoE', inputs, { k: 2 }, { domain: 'com.microsoft', outputs: ['y'] });
  g.output('y', 'float32', [1, 64]);
  return encodeGraph(g.build());
}

describe('judging a downloaded ONNX graph before its data', () => {
  it('refuses QMoE experts with zero points on WebGPU, saying why', () => {
    const problems = graphProblems(summarizeGraph(qmoeGraph(true)), 'webgpu', gpu);
    expect(problems).toContainEqual(expect.stringContaining('zero points'));
  });

  it('refuses a QMoE fed a whole prompt at once on WebGPU (the token-dropping race), but not ours, which feeds it one row', () => {
    expect(graphProblems(summarizeGraph(qmoeGraph(false)), 'webgpu', gpu)).toEqual([expect.stringContaining('several tokens per call')]);
    const ours = readFileSync(join(ensureTestModel('tiny-moe').dir, 'onnx/model_q4.onnx'));
    expect(graphProblems(summarizeGraph(ours), 'webgpu', gpu)).toEqual([]);
  });

  it('refuses a weight larger than the GPU allows in one buffer, naming it', () => {
    const problems = graphProblems(summarizeGraph(qmoeGraph(false, 200_000_000)), 'webgpu', gpu);
    expect(problems).toContainEqual(expect.stringMatching(/fc1 takes 200 MB, more than this GPU allows in one buffer \(128 MB\)/));
  });

  it('refuses for WASM a graph whose weights leave no room to compute in its 4 GB, and passes one that does', () => {
    const weights = (gigabytes: number) => {
      const g = new GraphBuilder('big');
      const x = g.input('x', 'float32', [1, 4]);
      const bytes = gigabytes * 1e9;
      const w = g.initializer({ name: 'w', elementType: 'float32', dims: [4, bytes / 16], external: { location: 'model.onnx_data', offset: 0, length: bytes } });
      g.op1('MatMul', [x, w], {}, { outputs: ['y'] });
      g.output('y', 'float32', [1, bytes / 16]);
      return summarizeGraph(encodeGraph(g.build()));
    };
    expect(graphProblems(weights(3.2), 'wasm', gpu)).toEqual([expect.stringContaining('its weights take 3.2 GB, too much for the browser\'s WebAssembly memory')]);
    // The 350M in float32, the largest graph Pagewise itself runs on WASM.
    expect(graphProblems(weights(1.44), 'wasm', gpu)).toEqual([]);
  });

  it('passes our own graphs on the backends they were made for', () => {
    const dense = ensureTestModel('tiny-dense').dir;
    expect(graphProblems(summarizeGraph(readFileSync(join(dense, 'onnx/model_int8.onnx'))), 'wasm', gpu)).toEqual([]);
    expect(graphProblems(summarizeGraph(readFileSync(join(dense, 'onnx/model_q4.onnx'))), 'wasm', gpu)).toEqual([]);
  });
});
