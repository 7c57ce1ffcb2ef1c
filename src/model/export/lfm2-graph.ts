// Builds the LFM2 / LFM2-MoE decoder graph from checkpoint tensors, one tensor at a time. Pure TypeScript:
// weights come from a `WeightSource` and leave through a `DataSink` (the Node script writes them to chunked
// external data files), so no more than one tensor is held at once.
//
// Architecture from transformers' modeling_lfm2.py / modeling_lfm2_moe.py; ops are those ORT's WebGPU,
// CPU and WASM backends all implement (docs/ContribOperators.md).
import { ATTENTION_MASK, INPUT_IDS, layerCacheNames, LOGITS, POSITION_IDS } from '../cache-names';
import { isMoeLayer, type Lfm2Config } from '../config';
import { activationType, isQuantized, quantizeLinear, type ExportDtype } from '../export-dtype';
import { roundToHalf, toHalfArray } from '../float16';
import { concatInt8Rows, quantizeInt8PerRow, type Int8Matrix } from '../int8-quantization';
import { rowQuantizedMatMul } from './row-quantized-matmul';
import { attr, GraphBuilder, type AttributeInput } from '../onnx/graph-builder';
import type { ElementType, ExternalLocation, Graph } from '../onnx/onnx-proto';
import { BITS, BLOCK_SIZE } from '../quantization';
import { ropeTables } from '../rope';
import { expectedWeights, weightName } from '../weight-names';

export interface WeightSource {
  /** Returns the tensor as float32, or throws naming the tensor when it is missing or misshapen. */
  read(name: string, shape: readonly number[]): Float32Array;
}

export interface DataSink {
  place(bytes: Uint8Array): ExternalLocation;
}

export interface ExportOptions {
  dtype: ExportDtype;
  /** MatMulNBits accuracy_level: 0 computes in float (WebGPU, WASM); 4 quantizes activations to int8 (fast native CPU). */
  accuracyLevel: 0 | 4;
  /**
   * Hand QMoE one row at a time when a call has several (a prompt, or a batch): WebGPU's multi-row QMoE
   * drops tokens (see moeBlock). Costs prompt speed on every backend, so the CPU target leaves it off.
   */
  qmoeOneRowAtATime: boolean;
  /**
   * 'last': logits only for the last position ([batch, 1, vocab]); the LM head then runs on one row per call
   * instead of every prompt position (a 256-token chunk at 65K vocabulary is 64 MB of logits and 1/9 of the
   * 1.2B's prefill work). The engine reads only the last row either way.
   */
  logits?: 'all' | 'last';
}

const MS = { domain: 'com.microsoft' };
/** Added to the scores of padded keys; finite so a fully padded row stays finite instead of NaN. */
const MASKED_SCORE = -10000;
/** Router logit of an unselected expert, far below log of any kept routing weight. */
const UNSELECTED_EXPERT = -10000;

class Lfm2GraphBuilder {
  readonly g = new GraphBuilder('lfm2');
  readonly t: ElementType;

  constructor(
    readonly c: Lfm2Config,
    readonly weights: WeightSource,
    readonly sink: DataSink,
    readonly options: ExportOptions,
  ) {
    this.t = activationType(options.dtype);
  }

  private external(name: string, elementType: ElementType, dims: number[], bytes: Uint8Array): string {
    return this.g.initializer({ name, elementType, dims, external: this.sink.place(bytes) });
  }

  floatBytes(values: Float32Array): Uint8Array {
    const typed = this.t === 'float16' ? toHalfArray(values) : values;
    return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  }

  /** An unquantized float tensor in the activation type. */
  floatWeight(name: string, shape: number[], values = this.weights.read(name, shape)): string {
    return this.external(name, this.t, shape, this.floatBytes(values));
  }

  /** y = x · Wᵀ for a Linear weight W [n, k]: MatMulNBits when 4-bit, MatMulInteger when int8, MatMul on Wᵀ otherwise. */
  linear(x: string, name: string, n: number, k: number): string {
    const w = this.weights.read(name, [n, k]);
    if (this.options.dtype === 'int8') return this.int8MatMul(x, name, quantizeInt8PerRow(w, n, k));
    if (!isQuantized(this.options.dtype)) {
      const transposed = new Float32Array(n * k);
      for (let r = 0; r < n; r++) for (let col = 0; col < k; col++) transposed[col * n + r] = w[r * k + col] as number;
      return this.g.op1('MatMul', [x, this.external(name, 'float32', [k, n], this.floatBytes(transposed))]);
    }
    const q = quantizeLinear(w, n, k, this.options.dtype);
    const b = this.external(`${name}.q4`, 'uint8', [n, k / BLOCK_SIZE, (BLOCK_SIZE * BITS) / 8], q.packed);
    const scales = this.external(`${name}.scales`, this.t, [n * (k / BLOCK_SIZE)], this.floatBytes(q.scales));
    const attrs: Record<string, number> = { K: k, N: n, bits: BITS, block_size: BLOCK_SIZE };
    if (this.options.accuracyLevel) attrs.accuracy_level = this.options.accuracyLevel;
    return this.g.op1('MatMulNBits', [x, b, scales], attrs, MS);
  }

  /**
   * Linears that read the same x, each W [n, k]: for int8, one matmul over their weights side by side (one
   * quantization of x, one MatMulInteger), then Split; other dtypes keep one op per Linear.
   */
  linears(x: string, parts: { name: string; n: number }[], k: number): string[] {
    if (this.options.dtype !== 'int8' || parts.length === 1) return parts.map((p) => this.linear(x, p.name, p.n, k));
    const qs = parts.map((p) => quantizeInt8PerRow(this.weights.read(p.name, [p.n, k]), p.n, k));
    const y = this.int8MatMul(x, `${parts[0]!.name}+${parts.length - 1}`, concatInt8Rows(qs));
    return this.g.op('Split', [y, this.g.constInt64('split', parts.map((p) => p.n))], { axis: -1 }, { outputCount: parts.length });
  }

  /**
   * x · Wᵀ with W as per-row int8 codes B [K, N] and scales: MatMulInteger on x quantized per token
   * (row-quantized-matmul.ts), B's zero point left out, i.e. 0. The LM head too: in float32 it ran 14 ms
   * per token against 19–21 in int8 (bench/lib/matmul-variants.ts head_fp32 vs head_int8_row, interleaved),
   * but the constant-folded float32 copy of the codes plus MLAS's packed copy of it grew the WASM heap by
   * 2.24 GB for 1.15 GB of weights, against 1.10 GB all int8 (peak RSS at session creation, Node).
   */
  int8MatMul(x: string, name: string, q: Int8Matrix, b = this.external(`${name}.int8`, 'int8', [q.cols, q.rows], int8Bytes(q.codesT))): string {
    return rowQuantizedMatMul(this.g, x, b, this.external(`${name}.scales`, 'float32', [q.rows], new Uint8Array(q.scales.buffer)));
  }

  rmsNorm(x: string, gamma: string): string {
    return this.g.op1('SimplifiedLayerNormalization', [x, gamma], { axis: -1, epsilon: attr.float(this.c.normEps), stash_type: 1 });
  }

  /** Returns [normalize(x + residual), x + residual] in one kernel. */
  skipNorm(x: string, residual: string, gamma: string): [string, string] {
    const normed = this.g.uniqueName('normed');
    const sum = this.g.uniqueName('residual');
    this.g.op('SkipSimplifiedLayerNormalization', [x, residual, gamma], { epsilon: attr.float(this.c.normEps) }, { ...MS, outputs: [normed, '', '', sum] });
    return [normed, sum];
  }

  cast(x: string, to: ElementType): string {
    return this.g.op1('Cast', [x], { to: to === 'float16' ? 10 : to === 'float32' ? 1 : to === 'int32' ? 6 : 7 });
  }
}

function int8Bytes(codes: Int8Array): Uint8Array {
  return new Uint8Array(codes.buffer, codes.byteOffset, codes.byteLength);
}

export function buildLfm2Graph(config: Lfm2Config, weights: WeightSource, sink: DataSink, options: ExportOptions): Graph {
  // Fail on a missing or misshapen tensor before writing anything.
  for (const spec of expectedWeights(config)) weights.read(spec.name, spec.shape);
  const b = new Lfm2GraphBuilder(config, weights, sink, options);
  const { g, c } = b;
  const H = c.hiddenSize;

  const inputIds = g.input(INPUT_IDS, 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input(ATTENTION_MASK, 'int64', ['batch_size', 'total_sequence_length']);
  const positionIds = g.input(POSITION_IDS, 'int64', ['batch_size', 'sequence_length']);
  const caches = layerCacheNames(c);
  for (const layer of caches) {
    if (layer.kind === 'full_attention') {
      for (const name of layer.past) g.input(name, b.t, ['batch_size', c.numKvHeads, 'past_sequence_length', c.headDim]);
    } else {
      g.input(layer.past[0]!, b.t, ['batch_size', H, c.convLCache]);
    }
  }

  // Shapes and masks every layer shares, computed once from attention_mask.
  const batch = g.op1('Shape', [inputIds], { start: 0, end: 1 });
  const seqLen = g.op1('Shape', [inputIds], { start: 1, end: 2 });
  const totalLen = g.op1('Shape', [mask], { start: 1, end: 2 });
  const maskT = b.cast(mask, b.t);
  const currentMask = g.op1('Unsqueeze', [g.op1('Slice', [maskT, g.op1('Neg', [seqLen]), g.constInt64('max', [2 ** 53]), g.constInt64('axis', [1])]), g.constInt64('axis', [2])]);
  // GroupQueryAttention treats a batch as right-padded by seqlens_k. Upstream pads left (the conv state must
  // end at the last real token), so every row is declared full length and padded keys are masked through
  // attention_bias [batch, 1, seq, total] instead; WebGPU needs these computed in-graph from the mask.
  const totalLen32 = b.cast(totalLen, 'int32');
  const totalScalar = g.op1('Squeeze', [totalLen32, g.constInt64('axis', [0])]);
  const seqlensK = g.op1('Expand', [g.op1('Sub', [totalLen32, g.constant('one', 'int32', [1], new Int32Array([1]))]), batch]);
  const keep = g.op1('Sub', [g.constant('one', b.t, [1], b.t === 'float16' ? toHalfArray([1]) : new Float32Array([1])), maskT]);
  const masked = g.op1('Mul', [keep, g.constant('masked', b.t, [1], b.t === 'float16' ? toHalfArray([MASKED_SCORE]) : new Float32Array([MASKED_SCORE]))]);
  const biasShape = g.op1('Concat', [batch, g.constInt64('one', [1]), seqLen, totalLen], { axis: 0 });
  const attentionBias = g.op1('Expand', [g.op1('Unsqueeze', [masked, g.constInt64('axes', [1, 2])]), biasShape]);
  const rope = ropeTables(c, c.maxPositionEmbeddings);
  const cosCache = b.floatWeight('rope.cos', [c.maxPositionEmbeddings, c.headDim / 2], rope.cos);
  const sinCache = b.floatWeight('rope.sin', [c.maxPositionEmbeddings, c.headDim / 2], rope.sin);

  // Tied embedding and LM head share one int4 table (GatherBlockQuantized data is MatMulNBits B flattened).
  let embeds: string;
  const embedding = weights.read(weightName.embed, [c.vocabSize, H]);
  let lmHead: (x: string) => string;
  if (isQuantized(options.dtype)) {
    const q = quantizeLinear(embedding, c.vocabSize, H, options.dtype);
    const where = sink.place(q.packed);
    const scales = sink.place(b.floatBytes(q.scales));
    const data = g.initializer({ name: 'embed_tokens.q4', elementType: 'uint8', dims: [c.vocabSize, H / 2], external: where });
    const gatherScales = g.initializer({ name: 'embed_tokens.scales', elementType: b.t, dims: [c.vocabSize, H / BLOCK_SIZE], external: scales });
    embeds = g.op1('GatherBlockQuantized', [data, inputIds, gatherScales], { gather_axis: 0, quantize_axis: 1, block_size: BLOCK_SIZE, bits: BITS }, MS);
    lmHead = c.tieWordEmbeddings
      ? (x) => {
          const headB = g.initializer({ name: 'lm_head.q4', elementType: 'uint8', dims: [c.vocabSize, H / BLOCK_SIZE, (BLOCK_SIZE * BITS) / 8], external: where });
          const headScales = g.initializer({ name: 'lm_head.scales', elementType: b.t, dims: [c.vocabSize * (H / BLOCK_SIZE)], external: scales });
          const attrs: Record<string, number> = { K: H, N: c.vocabSize, bits: BITS, block_size: BLOCK_SIZE };
          if (options.accuracyLevel) attrs.accuracy_level = options.accuracyLevel;
          return g.op1('MatMulNBits', [x, headB, headScales], attrs, MS);
        }
      : (x) => b.linear(x, weightName.lmHead, c.vocabSize, H);
  } else if (options.dtype === 'int8') {
    // One int8 table [H, V] (per-vocabulary-row scales) serves as the LM head's B and, gathered along axis 1,
    // as the embedding.
    const q = quantizeInt8PerRow(embedding, c.vocabSize, H);
    const table = g.initializer({ name: 'embed_tokens.int8', elementType: 'int8', dims: [H, c.vocabSize], external: sink.place(int8Bytes(q.codesT)) });
    const rowScales = g.initializer({ name: 'embed_tokens.row_scales', elementType: 'float32', dims: [c.vocabSize], external: sink.place(new Uint8Array(q.scales.buffer)) });
    const gathered = g.op1('Transpose', [g.op1('Gather', [table, inputIds], { axis: 1 })], { perm: [1, 2, 0] });
    embeds = g.op1('Mul', [b.cast(gathered, 'float32'), g.op1('Unsqueeze', [g.op1('Gather', [rowScales, inputIds], { axis: 0 }), g.constInt64('axis', [2])])]);
    lmHead = c.tieWordEmbeddings ? (x) => b.int8MatMul(x, 'lm_head', q, table) : (x) => b.linear(x, weightName.lmHead, c.vocabSize, H);
  } else {
    const table = b.floatWeight(weightName.embed, [c.vocabSize, H], embedding);
    embeds = g.op1('Gather', [table, inputIds], { axis: 0 });
    lmHead = c.tieWordEmbeddings ? (x) => g.op1('MatMul', [x, g.op1('Transpose', [table], { perm: [1, 0] })]) : (x) => b.linear(x, weightName.lmHead, c.vocabSize, H);
  }

  let residual = embeds;
  let normed = b.rmsNorm(embeds, b.floatWeight(weightName.operatorNorm(0), [H]));
  for (const layer of caches) {
    const l = layer.layer;
    const mixed = layer.kind === 'conv' ? convBlock(b, l, normed, currentMask, layer) : attentionBlock(b, l, normed, positionIds, cosCache, sinCache, seqlensK, totalScalar, attentionBias, layer);
    let ffnIn: string;
    [ffnIn, residual] = b.skipNorm(mixed, residual, b.floatWeight(weightName.ffnNorm(l), [H]));
    const ffnOut = isMoeLayer(c, l) ? moeBlock(b, l, ffnIn) : denseBlock(b, l, ffnIn);
    const nextGamma = l + 1 < c.numLayers ? weightName.operatorNorm(l + 1) : weightName.finalNorm;
    [normed, residual] = b.skipNorm(ffnOut, residual, b.floatWeight(nextGamma, [H]));
  }
  const last = options.logits === 'last';
  const headIn = last ? g.op1('Slice', [normed, g.constInt64('start', [-1]), g.constInt64('max', [2 ** 53]), g.constInt64('axis', [1])]) : normed;
  const logits = lmHead(headIn);
  g.op1(b.t === 'float16' ? 'Cast' : 'Identity', [logits], b.t === 'float16' ? { to: 1 } : {}, { outputs: [LOGITS] });
  g.output(LOGITS, 'float32', ['batch_size', last ? 1 : 'sequence_length', c.vocabSize]);
  for (const layer of caches) {
    if (layer.kind === 'full_attention') {
      for (const name of layer.present) g.output(name, b.t, ['batch_size', c.numKvHeads, 'total_sequence_length', c.headDim]);
    } else {
      g.output(layer.present[0]!, b.t, ['batch_size', H, c.convLCache]);
    }
  }
  return g.build();
}

/**
 * Short convolution (Lfm2ShortConv.slow_forward): in_proj gives B, C, x in that order along the feature axis;
 * B·x goes through a causal depthwise conv of width L, then is gated by C. The state carried between calls is
 * the last L inputs of the conv, [batch, hidden, L] as in Lfm2HybridConvCache.conv_cache; the conv reads its
 * last L − 1 columns followed by the new tokens, so a zero state equals upstream's left zero padding.
 */
function convBlock(b: Lfm2GraphBuilder, l: number, x: string, currentMask: string, names: { past: string[]; present: string[] }): string {
  const { g, c } = b;
  const H = c.hiddenSize;
  const bcx = b.linear(x, weightName.inProj(l), 3 * H, H);
  const projected = c.convBias ? g.op1('Add', [bcx, b.floatWeight(weightName.inProjBias(l), [3 * H])]) : bcx;
  const [gateB, gateC, value] = g.op('Split', [projected, g.constInt64('split', [H, H, H])], { axis: -1 }, { outputCount: 3 }) as [string, string, string];
  // Padded positions contribute nothing to the state (apply_mask_to_padding_states upstream).
  const bx = g.op1('Mul', [g.op1('Mul', [gateB, value]), currentMask]);
  const stream = g.op1('Concat', [names.past[0]!, g.op1('Transpose', [bx], { perm: [0, 2, 1] })], { axis: 2 });
  g.op1('Slice', [stream, g.constInt64('start', [-c.convLCache]), g.constInt64('max', [2 ** 53]), g.constInt64('axis', [2])], {}, { outputs: [names.present[0]!] });
  const window = g.op1('Slice', [stream, g.constInt64('start', [1]), g.constInt64('max', [2 ** 53]), g.constInt64('axis', [2])]);
  // CPU has no fp16 Conv kernel on x86, so a half-precision graph convolves in float32.
  const convIn = b.t === 'float16' ? b.cast(window, 'float32') : window;
  const weight = b.weights.read(weightName.conv(l), [H, 1, c.convLCache]);
  const convWeight = b.t === 'float16' ? g.initializer({ name: weightName.conv(l), elementType: 'float32', dims: [H, 1, c.convLCache], external: b.sink.place(new Uint8Array(Float32Array.from(weight, roundToHalf).buffer)) }) : b.floatWeight(weightName.conv(l), [H, 1, c.convLCache], weight);
  const convInputs = [convIn, convWeight];
  if (c.convBias) convInputs.push(b.t === 'float16' ? b.cast(b.floatWeight(weightName.convBias(l), [H]), 'float32') : b.floatWeight(weightName.convBias(l), [H]));
  const conv = g.op1('Conv', convInputs, { group: H, kernel_shape: [c.convLCache], pads: [0, 0], strides: [1] });
  const convOut = b.t === 'float16' ? b.cast(conv, 'float16') : conv;
  const gated = g.op1('Mul', [gateC, g.op1('Transpose', [convOut], { perm: [0, 2, 1] })]);
  const out = b.linear(gated, weightName.convOutProj(l), H, H);
  return c.convBias ? g.op1('Add', [out, b.floatWeight(weightName.convOutProjBias(l), [H])]) : out;
}

/** Lfm2Attention: per-head RMS norm on q and k, RoPE (rotate-half), grouped-query attention with a KV cache. */
function attentionBlock(
  b: Lfm2GraphBuilder, l: number, x: string, positionIds: string, cos: string, sin: string,
  seqlensK: string, total: string, attentionBias: string, names: { past: string[]; present: string[] },
): string {
  const { g, c } = b;
  const H = c.hiddenSize;
  const qDim = c.numHeads * c.headDim;
  const kvDim = c.numKvHeads * c.headDim;
  const headNorm = (y: string, heads: number, gamma: string) => {
    const split = g.op1('Reshape', [y, g.constInt64('heads', [0, 0, heads, c.headDim])]);
    return g.op1('Reshape', [b.rmsNorm(split, gamma), g.constInt64('flat', [0, 0, heads * c.headDim])]);
  };
  const rotate = (y: string) => g.op1('RotaryEmbedding', [y, positionIds, cos, sin], { interleaved: 0 }, MS);
  const [qProj, kProj, v] = b.linears(x, [{ name: weightName.q(l), n: qDim }, { name: weightName.k(l), n: kvDim }, { name: weightName.v(l), n: kvDim }], H) as [string, string, string];
  const q = rotate(headNorm(qProj, c.numHeads, b.floatWeight(weightName.qNorm(l), [c.headDim])));
  const k = rotate(headNorm(kProj, c.numKvHeads, b.floatWeight(weightName.kNorm(l), [c.headDim])));
  const attended = g.uniqueName('attention');
  g.op('GroupQueryAttention', [q, k, v, names.past[0]!, names.past[1]!, seqlensK, total, '', '', '', attentionBias], { num_heads: c.numHeads, kv_num_heads: c.numKvHeads }, { ...MS, outputs: [attended, names.present[0]!, names.present[1]!] });
  return b.linear(attended, weightName.o(l), H, qDim);
}

/** Lfm2MLP: w2(silu(w1 x) · w3 x). */
function denseBlock(b: Lfm2GraphBuilder, l: number, x: string): string {
  const { g, c } = b;
  const [gate, up] = b.linears(x, [{ name: weightName.w1(l), n: c.intermediateSize }, { name: weightName.w3(l), n: c.intermediateSize }], c.hiddenSize) as [string, string];
  const act = g.op1('Mul', [g.op1('Mul', [gate, g.op1('Sigmoid', [gate])]), up]);
  return b.linear(act, weightName.w2(l), c.hiddenSize, c.intermediateSize);
}

/**
 * Lfm2MoeSparseMoeBlock. Routing is done in the graph in float32: sigmoid scores, top-k on score + expert_bias
 * (bias for selection only), weights gathered from the unbiased scores and normalized with +1e-6.
 * QMoE then gets log(weight) for the chosen experts and a very low logit elsewhere: its internal
 * softmax + top-k reproduces exactly the chosen experts with weights w / Σw (WebGPU rejects the separate
 * router_weights input), and multiplying the output by Σw restores the scale. With `qmoeOneRowAtATime` the
 * kernel sees one row per call (qmoeRowByRow).
 */
function moeBlock(b: Lfm2GraphBuilder, l: number, x: string): string {
  const { g, c } = b;
  const moe = c.moe!;
  const H = c.hiddenSize;
  const I = moe.moeIntermediateSize;
  const E = moe.numExperts;
  const rows = g.op1('Reshape', [x, g.constInt64('rows', [-1, H])]);
  const router = b.weights.read(weightName.router(l), [E, H]);
  const routerT = new Float32Array(H * E);
  for (let e = 0; e < E; e++) for (let h = 0; h < H; h++) routerT[h * E + e] = router[e * H + h] as number;
  const logits = g.op1('MatMul', [rows, b.floatWeight(weightName.router(l), [H, E], routerT)]);
  const scores = g.op1('Sigmoid', [b.t === 'float16' ? b.cast(logits, 'float32') : logits]);
  const selection = moe.useExpertBias ? g.op1('Add', [scores, g.initializer({ name: weightName.expertBias(l), elementType: 'float32', dims: [E], external: b.sink.place(new Uint8Array(b.weights.read(weightName.expertBias(l), [E]).buffer)) })]) : scores;
  const [, chosen] = g.op('TopK', [selection, g.constInt64('k', [moe.numExpertsPerToken])], { axis: -1, largest: 1, sorted: 1 }, { outputCount: 2 }) as [string, string];
  let weights = g.op1('GatherElements', [scores, chosen], { axis: 1 });
  if (moe.normTopkProb) {
    const sum = g.op1('ReduceSum', [weights, g.constInt64('axis', [-1])], { keepdims: 1 });
    weights = g.op1('Div', [weights, g.op1('Add', [sum, g.constant('eps', 'float32', [1], new Float32Array([1e-6]))])]);
  }
  if (moe.routedScalingFactor !== 1) weights = g.op1('Mul', [weights, g.constant('scale', 'float32', [1], new Float32Array([moe.routedScalingFactor]))]);
  const total = g.op1('ReduceSum', [weights, g.constInt64('axis', [-1])], { keepdims: 1 });
  const floor = g.op1('Expand', [g.constant('unselected', 'float32', [1], new Float32Array([UNSELECTED_EXPERT])), g.op1('Shape', [scores])]);
  const routerLogits = g.op1('ScatterElements', [floor, chosen, g.op1('Log', [weights])], { axis: 1 });

  // fc1 interleaves gate and up rows (swiglu_fusion = 1, the only layout CPU QMoE accepts): row 2i = w1[i], 2i+1 = w3[i].
  const rowBytes = H / 2;
  const rowScales = H / BLOCK_SIZE;
  const fc1 = new Uint8Array(E * 2 * I * rowBytes);
  const fc1Scales = new Float32Array(E * 2 * I * rowScales);
  const fc2 = new Uint8Array(E * H * (I / 2));
  const fc2Scales = new Float32Array(E * H * (I / BLOCK_SIZE));
  for (let e = 0; e < E; e++) {
    const w1 = quantizeLinear(b.weights.read(weightName.expertW1(l, e), [I, H]), I, H, b.options.dtype);
    const w3 = quantizeLinear(b.weights.read(weightName.expertW3(l, e), [I, H]), I, H, b.options.dtype);
    for (let r = 0; r < I; r++) {
      fc1.set(w1.packed.subarray(r * rowBytes, (r + 1) * rowBytes), (e * 2 * I + 2 * r) * rowBytes);
      fc1.set(w3.packed.subarray(r * rowBytes, (r + 1) * rowBytes), (e * 2 * I + 2 * r + 1) * rowBytes);
      fc1Scales.set(w1.scales.subarray(r * rowScales, (r + 1) * rowScales), (e * 2 * I + 2 * r) * rowScales);
      fc1Scales.set(w3.scales.subarray(r * rowScales, (r + 1) * rowScales), (e * 2 * I + 2 * r + 1) * rowScales);
    }
    const w2 = quantizeLinear(b.weights.read(weightName.expertW2(l, e), [H, I]), H, I, b.options.dtype);
    fc2.set(w2.packed, e * H * (I / 2));
    fc2Scales.set(w2.scales, e * H * (I / BLOCK_SIZE));
  }
  const prefix = `model.layers.${l}.feed_forward.experts`;
  const experts = [
    g.initializer({ name: `${prefix}.fc1.q4`, elementType: 'uint8', dims: [E, 2 * I, rowBytes], external: b.sink.place(fc1) }),
    g.initializer({ name: `${prefix}.fc1.scales`, elementType: b.t, dims: [E, 2 * I, rowScales], external: b.sink.place(b.floatBytes(fc1Scales)) }),
    '',
    g.initializer({ name: `${prefix}.fc2.q4`, elementType: 'uint8', dims: [E, H, I / 2], external: b.sink.place(fc2) }),
    g.initializer({ name: `${prefix}.fc2.scales`, elementType: b.t, dims: [E, H, I / BLOCK_SIZE], external: b.sink.place(b.floatBytes(fc2Scales)) }),
  ];
  const qmoeAttributes = {
    k: moe.numExpertsPerToken, activation_type: 'swiglu', swiglu_fusion: 1, expert_weight_bits: BITS, block_size: BLOCK_SIZE,
    normalize_routing_weights: 1, activation_alpha: attr.float(1), activation_beta: attr.float(0),
  };
  const qmoeRouter = b.t === 'float16' ? b.cast(routerLogits, 'float16') : routerLogits;
  const out = b.options.qmoeOneRowAtATime
    ? qmoeRowByRow(b, l, rows, qmoeRouter, experts, qmoeAttributes)
    : g.op1('QMoE', [rows, qmoeRouter, ...experts], qmoeAttributes, MS);
  const scaled = g.op1('Mul', [out, b.t === 'float16' ? b.cast(total, 'float16') : total]);
  return g.op1('Reshape', [scaled, g.op1('Shape', [x])]);
}


/**
 * QMoE over [rows, H] that only ever gives the kernel one row: If(rows = 1) calls it directly (decode stays a
 * single fast kernel), else a Scan calls it once per row. Both subgraphs read the experts' initializers from the
 * enclosing graph, so no weight is stored twice.
 *
 * Why: onnxruntime-web 1.31.0-dev.20260914's WebGPU QMoE (contrib_ops/webgpu/moe/qmoe.cc, gate.wgsl.template)
 * counts tokens per expert with atomicAdd in one dispatch, one workgroup per row, and resets those counters
 * from workgroup 0 of the same dispatch. WGSL orders nothing between workgroups, so a row whose atomicAdd
 * lands before workgroup 0's reset is lost, and its slot is then taken by the next row: that token gets no
 * expert at all and its output row stays 0. Measured in Chromium on SwiftShader (test/e2e/model-qmoe.e2e.ts):
 * nondeterministic, whole rows of zeros, from 2 rows up. The one-row path (Gate1Token) has no counters and
 * matches to 1e-7. onnxruntime-node 1.30's WebGPU EP gave all zeros for several rows.
 */
function qmoeRowByRow(b: Lfm2GraphBuilder, l: number, rows: string, router: string, experts: string[], attributes: Record<string, AttributeInput>): string {
  const { g, c } = b;
  const H = c.hiddenSize;
  const E = c.moe!.numExperts;
  const scope = `moe${l}`;
  const one = new GraphBuilder(`${scope}/one_row`);
  one.op1('QMoE', [rows, router, ...experts], attributes, { ...MS, name: `${scope}/one_row/QMoE`, outputs: [`${scope}/one_row/out`] });
  one.output(`${scope}/one_row/out`, b.t, [1, H]);

  const body = new GraphBuilder(`${scope}/row`);
  const xRow = body.input(`${scope}/row/x`, b.t, [H]);
  const rRow = body.input(`${scope}/row/router`, b.t, [E]);
  const axis = body.constInt64(`${scope}/row/axis`, [0]);
  const xOne = body.op1('Unsqueeze', [xRow, axis], {}, { name: `${scope}/row/unsqueeze_x` });
  const rOne = body.op1('Unsqueeze', [rRow, axis], {}, { name: `${scope}/row/unsqueeze_router` });
  const y = body.op1('QMoE', [xOne, rOne, ...experts], attributes, { ...MS, name: `${scope}/row/QMoE` });
  body.op1('Squeeze', [y, axis], {}, { name: `${scope}/row/squeeze`, outputs: [`${scope}/row/out`] });
  body.output(`${scope}/row/out`, b.t, [H]);
  const many = new GraphBuilder(`${scope}/rows`);
  many.op1('Scan', [rows, router], { body: attr.graph(body.build()), num_scan_inputs: 2 }, { name: `${scope}/rows/Scan`, outputs: [`${scope}/rows/out`] });
  many.output(`${scope}/rows/out`, b.t, ['rows', H]);

  const count = g.op1('Shape', [rows], { start: 0, end: 1 });
  const single = g.op1('Squeeze', [g.op1('Equal', [count, g.constInt64('one', [1])])]);
  return g.op1('If', [single], { then_branch: attr.graph(one.build()), else_branch: attr.graph(many.build()) });
}
