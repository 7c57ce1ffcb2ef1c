// One layer block of an LFM2.5 model's linear layers (a conv layer's in and out projections and its dense FFN:
// in_proj, out_proj, w1, w3, w2) as an ONNX graph in one weight format, random weights: what the CPU precision
// benchmarks time. The LM head variants (head_*) time the tied LM head alone ([65,536 × hidden], one row).
// int8_row* quantize activations per row (the shipped graph, src/model/export/row-quantized-matmul.ts); the
// other int8 variants per tensor (DynamicQuantizeLinear).
import { encodeGraph, GraphBuilder } from '../../src/model/onnx/graph-builder';
import { rowQuantizedMatMul } from '../../src/model/export/row-quantized-matmul';
import { concatInt8Rows, quantizeInt8PerRow } from '../../src/model/int8-quantization';
import { quantizeInt4 } from '../../src/model/quantization';

export interface BlockShape {
  label: string;
  hidden: number;
  /** The FFN's width after block_auto_adjust_ff_dim (2/3 of block_ff_dim, rounded up to block_multiple_of). */
  ff: number;
}

/** LFM2.5-1.2B: hidden 2,048, block_ff_dim 12,288 → 8,192. */
export const BLOCK_1_2B: BlockShape = { label: 'LFM2.5-1.2B', hidden: 2048, ff: 8192 };
/** LFM2.5-350M: hidden 1,024, block_ff_dim 6,656 → 4,608. */
export const BLOCK_350M: BlockShape = { label: 'LFM2.5-350M', hidden: 1024, ff: 4608 };

/** [N, K] of each Linear of the block: in_proj, out_proj, w1, w3, w2. */
export function blockLinears({ hidden: H, ff: FF }: BlockShape): [number, number][] {
  return [[3 * H, H], [H, H], [FF, H], [FF, H], [H, FF]];
}

/** Weights in the block's Linears. */
export function blockWeights(shape: BlockShape): number {
  return blockLinears(shape).reduce((sum, [n, k]) => sum + n * k, 0);
}

const MS = { domain: 'com.microsoft' };

export type Variant = 'fp32' | 'q4_acc0' | 'q4_acc4' | 'q8_acc0' | 'q8_acc4' | 'int8_dqmm' | 'int8_mmi' | 'int8_mmi_nozp' | 'int8_row' | 'int8_mmi_fused' | 'int8_row_fused' | 'head_int8' | 'head_int8_row' | 'head_fp32';
export const ALL_VARIANTS: Variant[] = ['fp32', 'q4_acc0', 'q4_acc4', 'q8_acc0', 'q8_acc4', 'int8_dqmm', 'int8_mmi', 'int8_mmi_nozp', 'int8_row', 'int8_mmi_fused', 'int8_row_fused', 'head_int8', 'head_int8_row', 'head_fp32'];
const VOCAB = 65536;

function randomWeights(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 0.05;
  }
  return out;
}

function linear(g: GraphBuilder, variant: Variant, x: string, n: number, k: number, seed: number): string {
  const w = randomWeights(n * k, seed);
  if (variant === 'fp32') {
    const t = new Float32Array(n * k);
    for (let r = 0; r < n; r++) for (let c = 0; c < k; c++) t[c * n + r] = w[r * k + c]!;
    return g.op1('MatMul', [x, g.constant('w', 'float32', [k, n], t)]);
  }
  if (variant.startsWith('q')) {
    const bits = variant.startsWith('q8') ? 8 : 4;
    const acc = variant.endsWith('acc4') ? 4 : 0;
    let packed: Uint8Array;
    let scales: Float32Array;
    if (bits === 4) ({ packed, scales } = quantizeInt4(w, n, k, 'float32'));
    else {
      packed = new Uint8Array(n * k);
      scales = new Float32Array((n * k) / 32);
      for (let b = 0; b < scales.length; b++) {
        let m = 0;
        for (let i = 0; i < 32; i++) m = Math.max(m, Math.abs(w[b * 32 + i]!));
        const s = m / 127 || 1;
        scales[b] = s;
        for (let i = 0; i < 32; i++) packed[b * 32 + i] = Math.round(w[b * 32 + i]! / s) + 128;
      }
    }
    const attrs: Record<string, number> = { K: k, N: n, bits, block_size: 32 };
    if (acc) attrs['accuracy_level'] = acc;
    return g.op1('MatMulNBits', [x, g.constant('b', 'uint8', [n, k / 32, (32 * bits) / 8], packed), g.constant('s', 'float32', [n * (k / 32)], scales)], attrs, MS);
  }
  const { codesT, scales } = quantizeInt8PerRow(w, n, k);
  const b = g.constant('b', 'int8', [k, n], codesT);
  const bScale = g.constant('bs', 'float32', [n], scales);
  if (variant === 'int8_dqmm') return g.op1('DynamicQuantizeMatMul', [x, b, bScale], {}, MS);
  if (variant === 'int8_row') return rowQuantizedMatMul(g, x, b, bScale);
  const [xq, xs, xz] = g.op('DynamicQuantizeLinear', [x], {}, { outputCount: 3 }) as [string, string, string];
  const acc = g.op1('MatMulInteger', variant === 'int8_mmi_nozp' ? [xq, b, xz] : [xq, b, xz, g.constant('bz', 'int8', [n], new Int8Array(n))]);
  return g.op1('Mul', [g.op1('Cast', [acc], { to: 1 }), g.op1('Mul', [xs, bScale])]);
}

/**
 * Linears reading the same input as one: a single quantization of x, their B matrices concatenated along N
 * into one MatMulInteger (no B zero point), one scale vector, then Split.
 */
function fusedInt8(g: GraphBuilder, x: string, shapes: [number, number][], seeds: number[], perRow: boolean): string[] {
  const k = shapes[0]![1];
  const { rows: total, codesT, scales } = concatInt8Rows(shapes.map(([n], i) => quantizeInt8PerRow(randomWeights(n * k, seeds[i]!), n, k)));
  const b = g.constant('b', 'int8', [k, total], codesT);
  const bScales = g.constant('bs', 'float32', [total], scales);
  let y: string;
  if (perRow) y = rowQuantizedMatMul(g, x, b, bScales);
  else {
    const [xq, xs, xz] = g.op('DynamicQuantizeLinear', [x], {}, { outputCount: 3 }) as [string, string, string];
    y = g.op1('Mul', [g.op1('Cast', [g.op1('MatMulInteger', [xq, b, xz])], { to: 1 }), g.op1('Mul', [xs, bScales])]);
  }
  return g.op('Split', [y, g.constInt64('split', shapes.map(([n]) => n))], { axis: -1 }, { outputCount: shapes.length });
}

export function buildBlock(variant: Variant, shape: BlockShape = BLOCK_1_2B): Uint8Array {
  const H = shape.hidden;
  const SHAPES = blockLinears(shape);
  const g = new GraphBuilder(`block_${variant}`);
  const x = g.input('x', 'float32', [1, 'seq', H]);
  if (variant.startsWith('head_')) {
    const last = g.op1('Slice', [x, g.constInt64('start', [-1]), g.constInt64('max', [2 ** 53]), g.constInt64('axis', [1])]);
    const inner: Record<string, Variant> = { head_fp32: 'fp32', head_int8: 'int8_mmi', head_int8_row: 'int8_row' };
    g.op1('Identity', [linear(g, inner[variant]!, last, VOCAB, H, 99)], {}, { outputs: ['y'] });
    g.output('y', 'float32', [1, 1, VOCAB]);
    return encodeGraph(g.build());
  }
  if (variant === 'int8_mmi_fused' || variant === 'int8_row_fused') {
    // in_proj, out_proj, w1 and w3 all read x here: one quantization of x, one MatMulInteger, then Split.
    const perRow = variant === 'int8_row_fused';
    const [bcx, out, gate, up] = fusedInt8(g, x, [SHAPES[0]!, SHAPES[1]!, SHAPES[2]!, SHAPES[3]!], [17, 18, 19, 20], perRow) as [string, string, string, string];
    const ffn = linear(g, perRow ? 'int8_row' : 'int8_mmi_nozp', g.op1('Mul', [gate, up]), H, shape.ff, 21);
    g.op1('Add', [g.op1('Add', [ffn, out]), g.op1('ReduceMean', [bcx, g.constInt64('axes', [-1])], { keepdims: 1 })], {}, { outputs: ['y'] });
    g.output('y', 'float32', [1, 'seq', H]);
    return encodeGraph(g.build());
  }
  const [inP, outP, w1, w3, w2] = SHAPES.map(([n, k], i) => (y: string) => linear(g, variant, y, n, k, 17 + i));
  const bcx = inP!(x);
  const ffn = w2!(g.op1('Mul', [w1!(x), w3!(x)]));
  g.op1('Add', [g.op1('Add', [ffn, outP!(x)]), g.op1('ReduceMean', [bcx, g.constInt64('axes', [-1])], { keepdims: 1 })], {}, { outputs: ['y'] });
  g.output('y', 'float32', [1, 'seq', H]);
  return encodeGraph(g.build());
}
