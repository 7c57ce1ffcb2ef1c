// A tiny model the browser can run to check that ORT loads our encoder's output and computes
// the right numbers, before any multi-gigabyte download: y = sigmoid(x · W + b).
import { encodeGraph, GraphBuilder } from './graph-builder';

const IN_FEATURES = 4;
const OUT_FEATURES = 3;
const BATCH = 2;

/** Deterministic values in [-1, 1) from a 32-bit LCG, so the expected output is reproducible. */
function seededValues(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

export interface SelfTestModel {
  bytes: Uint8Array;
  input: { name: string; dims: number[]; data: Float32Array };
  expected: Float32Array;
  outputName: string;
}

export function buildSelfTestModel(): SelfTestModel {
  const weight = seededValues(IN_FEATURES * OUT_FEATURES, 7);
  const bias = seededValues(OUT_FEATURES, 11);
  const x = seededValues(BATCH * IN_FEATURES, 13);

  const g = new GraphBuilder('pagewise_self_test');
  const input = g.input('x', 'float32', ['batch', IN_FEATURES]);
  const w = g.constant('weight', 'float32', [IN_FEATURES, OUT_FEATURES], weight);
  const b = g.constant('bias', 'float32', [OUT_FEATURES], bias);
  const product = g.op1('MatMul', [input, w]);
  const shifted = g.op1('Add', [product, b]);
  g.op1('Sigmoid', [shifted], {}, { outputs: ['y'] });
  g.output('y', 'float32', ['batch', OUT_FEATURES]);

  // Same arithmetic in float32 order as ORT's kernels would do it; the caller compares with a tolerance.
  const expected = new Float32Array(BATCH * OUT_FEATURES);
  for (let r = 0; r < BATCH; r++) {
    for (let c = 0; c < OUT_FEATURES; c++) {
      let sum = 0;
      for (let k = 0; k < IN_FEATURES; k++) sum += (x[r * IN_FEATURES + k] as number) * (weight[k * OUT_FEATURES + c] as number);
      expected[r * OUT_FEATURES + c] = 1 / (1 + Math.exp(-(sum + (bias[c] as number))));
    }
  }
  return { bytes: encodeGraph(g.build()), input: { name: 'x', dims: [BATCH, IN_FEATURES], data: x }, expected, outputName: 'y' };
}
