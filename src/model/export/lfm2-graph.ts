// Builds the LFM2 / LFM2-MoE decoder graph and the jobs that write its weights (weight-jobs.ts). Pure
// TypeScript and no weight is read here: the graph is complete once the jobs' outputs are placed
// (export-run.ts), and the jobs run as the checkpoint streams in, in the Node exporter and in the browser.
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
import type { ElementType, Graph } from '../onnx/onnx-proto';
import { BITS, BLOCK_SIZE, type QuantizedMatrix } from '../quantization';
import { ropeTables } from '../rope';
import { weightName } from '../weight-names';
import { accumulatingStep, outputSpec, type JobOutput, type TensorRequest, type WeightJob } from './weight-jobs';

/** Checkpoint tensors by name, read whole as float32 (the reference forward pass and tests read weights this way). */
export interface WeightSource {
  /** Returns the tensor as float32, or throws naming the tensor when it is missing or misshapen. */
  read(name: string, shape: readonly number[]): Float32Array;
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
  /**
   * 'matmul': attention as MatMul, Softmax and MatMul over the concatenated caches, each KV head's query heads as
   * rows of one product. onnxruntime-web's WASM GroupQueryAttention took 7.0 s per layer for 256 new tokens after
   * 3,840 cached ones (onnxruntime-node's: 0.12 s); this form 0.41 s (Node, 1 thread).
   * 'gqa' (default): the GroupQueryAttention contrib op, which WebGPU and native CPU run well.
   */
  attention?: 'gqa' | 'matmul';
}

const MS = { domain: 'com.microsoft' };
/** Added to the scores of padded keys; finite so a fully padded row stays finite instead of NaN. */
const MASKED_SCORE = -10000;
/** Router logit of an unselected expert, far below log of any kept routing weight. */
const UNSELECTED_EXPERT = -10000;

class Lfm2GraphBuilder {
  readonly g = new GraphBuilder('lfm2');
  readonly t: ElementType;
  readonly jobs: WeightJob[] = [];

  constructor(
    readonly c: Lfm2Config,
    readonly options: ExportOptions,
  ) {
    this.t = activationType(options.dtype);
  }

  /** Declares the initializers `outputs` as what `start` writes from `inputs`; returns their names. */
  job(inputs: TensorRequest[], outputs: JobOutput[], start: WeightJob['start']): string[] {
    this.jobs.push({ index: this.jobs.length, inputs, outputs, start });
    return outputs.map((output) => this.g.initializer({ name: output.name, elementType: output.elementType, dims: output.dims, external: output.external }));
  }

  /** A job of one input: `produce` turns the tensor into the outputs' bytes. */
  single(input: TensorRequest, outputs: JobOutput[], produce: (values: Float32Array) => Uint8Array[]): string[] {
    return this.job([input], outputs, () => ({ take: (_name, values) => produce(values) }));
  }

  floatBytes(values: Float32Array): Uint8Array {
    const typed = this.t === 'float16' ? toHalfArray(values) : values;
    return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  }

  /** An unquantized float tensor of the checkpoint in the activation type. */
  floatWeight(name: string, shape: number[]): string {
    return this.single({ name, shape }, [outputSpec(name, this.t, shape)], (values) => [this.floatBytes(values)])[0]!;
  }

  /** A float table computed here rather than read (RoPE), in the activation type. */
  computedFloat(name: string, shape: number[], values: () => Float32Array): string {
    return this.job([], [outputSpec(name, this.t, shape)], () => ({ take: () => undefined, finish: () => [this.floatBytes(values())] }))[0]!;
  }

  /** The outputs of a 4-bit Linear weight [n, k]: MatMulNBits B [n, k/32, 16] and its scales. */
  q4Outputs(name: string, n: number, k: number): JobOutput[] {
    return [outputSpec(`${name}.q4`, 'uint8', [n, k / BLOCK_SIZE, (BLOCK_SIZE * BITS) / 8]), outputSpec(`${name}.scales`, this.t, [n * (k / BLOCK_SIZE)])];
  }

  q4Bytes(q: QuantizedMatrix): Uint8Array[] {
    return [q.packed, this.floatBytes(q.scales)];
  }

  /** y = x · Wᵀ for a Linear weight W [n, k]: MatMulNBits when 4-bit, MatMulInteger when int8, MatMul on Wᵀ otherwise. */
  linear(x: string, name: string, n: number, k: number): string {
    const input = { name, shape: [n, k] };
    if (this.options.dtype === 'int8') {
      const [b, scales] = this.single(input, int8Outputs(name, n, k), (w) => int8OutputBytes(quantizeInt8PerRow(w, n, k)));
      return rowQuantizedMatMul(this.g, x, b!, scales!);
    }
    if (!isQuantized(this.options.dtype)) {
      const [wT] = this.single(input, [outputSpec(name, 'float32', [k, n])], (w) => {
        const transposed = new Float32Array(n * k);
        for (let r = 0; r < n; r++) for (let col = 0; col < k; col++) transposed[col * n + r] = w[r * k + col] as number;
        return [this.floatBytes(transposed)];
      });
      return this.g.op1('MatMul', [x, wT!]);
    }
    const [b, scales] = this.single(input, this.q4Outputs(name, n, k), (w) => this.q4Bytes(quantizeLinear(w, n, k, this.options.dtype)));
    return this.matMulNBits(x, b!, scales!, n, k);
  }

  matMulNBits(x: string, b: string, scales: string, n: number, k: number): string {
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
    const inputs = parts.map((p) => ({ name: p.name, shape: [p.n, k] }));
    const rows = parts.reduce((sum, p) => sum + p.n, 0);
    const [b, scales] = this.job(
      inputs,
      int8Outputs(`${parts[0]!.name}+${parts.length - 1}`, rows, k),
      accumulatingStep(
        inputs,
        () => new Map<string, Int8Matrix>(),
        (quantized, name, values) => quantized.set(name, quantizeInt8PerRow(values, parts.find((p) => p.name === name)!.n, k)),
        (quantized) => int8OutputBytes(concatInt8Rows(parts.map((p) => quantized.get(p.name)!))),
      ),
    );
    const y = rowQuantizedMatMul(this.g, x, b!, scales!);
    return this.g.op('Split', [y, this.g.constInt64('split', parts.map((p) => p.n))], { axis: -1 }, { outputCount: parts.length });
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

/**
 * The outputs of an int8 Linear [n, k]: per-row int8 codes as MatMulInteger's B [k, n] and float32 scales. The
 * LM head is int8 too: in float32 it ran 14 ms per token against 19–21 in int8 (bench/lib/matmul-variants.ts
 * head_fp32 vs head_int8_row, interleaved), but the constant-folded float32 copy of the codes plus MLAS's packed
 * copy of it grew the WASM heap by 2.24 GB for 1.15 GB of weights, against 1.10 GB all int8 (peak RSS at session
 * creation, Node).
 */
function int8Outputs(name: string, n: number, k: number): JobOutput[] {
  return [outputSpec(`${name}.int8`, 'int8', [k, n]), outputSpec(`${name}.scales`, 'float32', [n])];
}

function int8OutputBytes(q: Int8Matrix): Uint8Array[] {
  return [int8Bytes(q.codesT), new Uint8Array(q.scales.buffer, q.scales.byteOffset, q.scales.byteLength)];
}

function int8Bytes(codes: Int8Array): Uint8Array {
  return new Uint8Array(codes.buffer, codes.byteOffset, codes.byteLength);
}

/**
 * The graph and the jobs that write its weights. The graph's external initializers are placed (and so the graph
 * complete) once `layoutExport` has ordered the jobs for the checkpoint at hand.
 */
export function buildLfm2Graph(config: Lfm2Config, options: ExportOptions): { graph: Graph; jobs: WeightJob[] } {
  const b = new Lfm2GraphBuilder(config, options);
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
  const paddingBias = g.op1('Expand', [g.op1('Unsqueeze', [masked, g.constInt64('axes', [1, 2])]), biasShape]);
  const attentionBias = options.attention === 'matmul' ? groupedCausalBias(b, paddingBias, seqLen, totalLen) : paddingBias;
  const ropeShape = [c.maxPositionEmbeddings, c.headDim / 2];
  const cosCache = b.computedFloat('rope.cos', ropeShape, () => ropeTables(c, c.maxPositionEmbeddings).cos);
  const sinCache = b.computedFloat('rope.sin', ropeShape, () => ropeTables(c, c.maxPositionEmbeddings).sin);

  // Tied embedding and LM head share one table (GatherBlockQuantized data is MatMulNBits B flattened).
  const embedInput = { name: weightName.embed, shape: [c.vocabSize, H] };
  let embeds: string;
  let lmHead: (x: string) => string;
  const untiedHead = (x: string) => b.linear(x, weightName.lmHead, c.vocabSize, H);
  if (isQuantized(options.dtype)) {
    const [data, scales] = b.single(
      embedInput,
      [outputSpec('embed_tokens.q4', 'uint8', [c.vocabSize, H / 2]), outputSpec('embed_tokens.scales', b.t, [c.vocabSize, H / BLOCK_SIZE])],
      (embedding) => b.q4Bytes(quantizeLinear(embedding, c.vocabSize, H, options.dtype)),
    );
    embeds = g.op1('GatherBlockQuantized', [data!, inputIds, scales!], { gather_axis: 0, quantize_axis: 1, block_size: BLOCK_SIZE, bits: BITS }, MS);
    lmHead = c.tieWordEmbeddings
      ? (x) => {
          // The same bytes under MatMulNBits' shapes: no second copy in the data file.
          const head = b.g.initializer({ name: 'lm_head.q4', elementType: 'uint8', dims: [c.vocabSize, H / BLOCK_SIZE, (BLOCK_SIZE * BITS) / 8], external: sharedOutput(b, 'embed_tokens.q4') });
          const headScales = b.g.initializer({ name: 'lm_head.scales', elementType: b.t, dims: [c.vocabSize * (H / BLOCK_SIZE)], external: sharedOutput(b, 'embed_tokens.scales') });
          return b.matMulNBits(x, head, headScales, c.vocabSize, H);
        }
      : untiedHead;
  } else if (options.dtype === 'int8') {
    // One int8 table [H, V] (per-vocabulary-row scales) serves as the LM head's B and, gathered along axis 1,
    // as the embedding.
    const [table, rowScales] = b.single(
      embedInput,
      [outputSpec('embed_tokens.int8', 'int8', [H, c.vocabSize]), outputSpec('embed_tokens.row_scales', 'float32', [c.vocabSize])],
      (embedding) => int8OutputBytes(quantizeInt8PerRow(embedding, c.vocabSize, H)),
    );
    const gathered = g.op1('Transpose', [g.op1('Gather', [table!, inputIds], { axis: 1 })], { perm: [1, 2, 0] });
    embeds = g.op1('Mul', [b.cast(gathered, 'float32'), g.op1('Unsqueeze', [g.op1('Gather', [rowScales!, inputIds], { axis: 0 }), g.constInt64('axis', [2])])]);
    lmHead = c.tieWordEmbeddings ? (x) => rowQuantizedMatMul(g, x, table!, rowScales!) : untiedHead;
  } else {
    const table = b.floatWeight(weightName.embed, [c.vocabSize, H]);
    embeds = g.op1('Gather', [table, inputIds], { axis: 0 });
    lmHead = c.tieWordEmbeddings ? (x) => g.op1('MatMul', [x, g.op1('Transpose', [table], { perm: [1, 0] })]) : untiedHead;
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
  return { graph: g.build(), jobs: b.jobs };
}

/** The placement object of an output already declared, shared so a second initializer names the same bytes. */
function sharedOutput(b: Lfm2GraphBuilder, name: string) {
  const output = b.jobs.flatMap((job) => job.outputs).find((o) => o.name === name);
  if (!output) throw new Error(`no output ${name} to share`);
  return output.external;
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
  const convShape = [H, 1, c.convLCache];
  // Stored in float32 for the Conv, holding the half-precision values the rest of an f16 graph would.
  const convWeight =
    b.t === 'float16'
      ? b.single({ name: weightName.conv(l), shape: convShape }, [outputSpec(weightName.conv(l), 'float32', convShape)], (w) => [new Uint8Array(Float32Array.from(w, roundToHalf).buffer)])[0]!
      : b.floatWeight(weightName.conv(l), convShape);
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
  if (b.options.attention === 'matmul') return b.linear(matMulAttention(b, q, k, v, attentionBias, names), weightName.o(l), H, qDim);
  const attended = g.uniqueName('attention');
  g.op('GroupQueryAttention', [q, k, v, names.past[0]!, names.past[1]!, seqlensK, total, '', '', '', attentionBias], { num_heads: c.numHeads, kv_num_heads: c.numKvHeads }, { ...MS, outputs: [attended, names.present[0]!, names.present[1]!] });
  return b.linear(attended, weightName.o(l), H, qDim);
}

/**
 * The bias every layer's MatMul attention adds to its scores, [batch, 1, groups * seq, total]: the padding bias
 * plus the causal one (new token i sees keys up to total - seq + i), repeated for each query head of a KV head,
 * in the row order matMulAttention lays the query heads out in.
 */
function groupedCausalBias(b: Lfm2GraphBuilder, paddingBias: string, seqLen: string, totalLen: string): string {
  const { g, c } = b;
  const scalar = (x: string) => g.op1('Squeeze', [x, g.constInt64('axis', [0])]);
  const zero = g.constant('zero', 'int64', [], new BigInt64Array([0n]));
  const one = g.constant('one', 'int64', [], new BigInt64Array([1n]));
  const past = g.op1('Sub', [scalar(totalLen), scalar(seqLen)]);
  const rows = g.op1('Unsqueeze', [g.op1('Add', [g.op1('Range', [zero, scalar(seqLen), one]), past]), g.constInt64('axis', [1])]);
  const cols = g.op1('Unsqueeze', [g.op1('Range', [zero, scalar(totalLen), one]), g.constInt64('axis', [0])]);
  const masked = g.constant('masked', 'float32', [], new Float32Array([MASKED_SCORE]));
  const open = g.constant('open', 'float32', [], new Float32Array([0]));
  const causal = g.op1('Where', [g.op1('Greater', [cols, rows]), masked, open]);
  const bias = g.op1('Add', [paddingBias, g.op1('Unsqueeze', [causal, g.constInt64('axes', [0, 1])])]);
  return g.op1('Tile', [bias, g.constInt64('repeats', [1, 1, c.numHeads / c.numKvHeads, 1])]);
}

/**
 * Grouped-query attention from plain ops (float32: the WASM target). The caches are [batch, kv heads, tokens, head
 * dim] as GroupQueryAttention keeps them; query head h reads KV head h / groups (h = kv * groups + group), so the
 * queries are laid out [batch, kv heads, groups * seq, head dim] and one MatMul per KV head serves its group.
 *
 * Each KV head's scores are their own chain (Slice, MatMul, Add, Softmax, MatMul), concatenated at the end: ORT
 * runs the chains one after the other and frees each one's scores before the next (its default order is a
 * depth-first walk back from the outputs), so a run holds one KV head's [groups * seq, total] scores at a time, not
 * all of them. Measured in onnxruntime-web (WASM, Node) at 8K tokens of context, a 256-token run's peak growth fell
 * from 1,396 to 871 MiB, at the same speed (15.1 vs 14.9 tokens/s at 16K). The scale goes on the queries, which
 * are small.
 */
function matMulAttention(b: Lfm2GraphBuilder, q: string, k: string, v: string, bias: string, names: { past: string[]; present: string[] }): string {
  const { g, c } = b;
  const groups = c.numHeads / c.numKvHeads;
  const headsFirst = (x: string) => g.op1('Transpose', [g.op1('Reshape', [x, g.constInt64('heads', [0, 0, c.numKvHeads, c.headDim])])], { perm: [0, 2, 1, 3] });
  g.op('Concat', [names.past[0]!, headsFirst(k)], { axis: 2 }, { outputs: [names.present[0]!] });
  g.op('Concat', [names.past[1]!, headsFirst(v)], { axis: 2 }, { outputs: [names.present[1]!] });
  const grouped = g.op1('Transpose', [g.op1('Reshape', [q, g.constInt64('groups', [0, 0, c.numKvHeads, groups, c.headDim])])], { perm: [0, 2, 3, 1, 4] });
  const queries = g.op1('Mul', [g.op1('Reshape', [grouped, g.constInt64('rows', [0, 0, -1, c.headDim])]), g.constant('scale', 'float32', [], new Float32Array([1 / Math.sqrt(c.headDim)]))]);
  const axis = g.constInt64('kv_axis', [1]);
  const contexts: string[] = [];
  for (let head = 0; head < c.numKvHeads; head++) {
    const [from, to] = [g.constInt64('kv_from', [head]), g.constInt64('kv_to', [head + 1])];
    const one = (x: string) => g.op1('Slice', [x, from, to, axis]);
    const scores = g.op1('MatMul', [one(queries), g.op1('Transpose', [one(names.present[0]!)], { perm: [0, 1, 3, 2] })]);
    const weights = g.op1('Softmax', [g.op1('Add', [scores, bias])], { axis: -1 });
    contexts.push(g.op1('MatMul', [weights, one(names.present[1]!)]));
  }
  const context = g.op1('Concat', contexts, { axis: 1 });
  const perHead = g.op1('Reshape', [context, g.constInt64('split', [0, 0, groups, -1, c.headDim])]);
  return g.op1('Reshape', [g.op1('Transpose', [perHead], { perm: [0, 3, 1, 2, 4] }), g.constInt64('flat', [0, 0, -1])]);
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
  const E = moe.numExperts;
  const rows = g.op1('Reshape', [x, g.constInt64('rows', [-1, H])]);
  const routerShape = [E, H];
  const [routerT] = b.single({ name: weightName.router(l), shape: routerShape }, [outputSpec(weightName.router(l), b.t, [H, E])], (router) => {
    const transposed = new Float32Array(H * E);
    for (let e = 0; e < E; e++) for (let h = 0; h < H; h++) transposed[h * E + e] = router[e * H + h] as number;
    return [b.floatBytes(transposed)];
  });
  const logits = g.op1('MatMul', [rows, routerT!]);
  const scores = g.op1('Sigmoid', [b.t === 'float16' ? b.cast(logits, 'float32') : logits]);
  const bias = () => b.single({ name: weightName.expertBias(l), shape: [E] }, [outputSpec(weightName.expertBias(l), 'float32', [E])], (values) => [new Uint8Array(values.buffer, values.byteOffset, values.byteLength)])[0]!;
  const selection = moe.useExpertBias ? g.op1('Add', [scores, bias()]) : scores;
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
  const experts = expertWeights(b, l);
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
 * One job over every expert's w1, w3 and w2: QMoE's fc1 interleaves gate and up rows (swiglu_fusion = 1, the
 * only layout CPU QMoE accepts: row 2i = w1[i], 2i+1 = w3[i]) and fc2 holds w2, each expert after the other.
 * Each expert tensor is quantized into place as it arrives, so the job holds the 4-bit result, never the inputs.
 * Returns QMoE's inputs 2..6: fc1 weights and scales, no fc1 bias, fc2 weights and scales.
 */
function expertWeights(b: Lfm2GraphBuilder, l: number): string[] {
  const { c } = b;
  const H = c.hiddenSize;
  const I = c.moe!.moeIntermediateSize;
  const E = c.moe!.numExperts;
  const rowBytes = H / 2;
  const rowScales = H / BLOCK_SIZE;
  const inputs: TensorRequest[] = [];
  const slots = new Map<string, { e: number; part: 'w1' | 'w3' | 'w2' }>();
  for (let e = 0; e < E; e++) {
    for (const [part, name, shape] of [['w1', weightName.expertW1(l, e), [I, H]], ['w3', weightName.expertW3(l, e), [I, H]], ['w2', weightName.expertW2(l, e), [H, I]]] as const) {
      inputs.push({ name, shape });
      slots.set(name, { e, part });
    }
  }
  const prefix = `model.layers.${l}.feed_forward.experts`;
  const outputs = [
    outputSpec(`${prefix}.fc1.q4`, 'uint8', [E, 2 * I, rowBytes]),
    outputSpec(`${prefix}.fc1.scales`, b.t, [E, 2 * I, rowScales]),
    outputSpec(`${prefix}.fc2.q4`, 'uint8', [E, H, I / 2]),
    outputSpec(`${prefix}.fc2.scales`, b.t, [E, H, I / BLOCK_SIZE]),
  ];
  const [fc1, fc1Scales, fc2, fc2Scales] = b.job(
    inputs,
    outputs,
    accumulatingStep(
      inputs,
      () => ({ fc1: new Uint8Array(E * 2 * I * rowBytes), fc1Scales: new Float32Array(E * 2 * I * rowScales), fc2: new Uint8Array(E * H * (I / 2)), fc2Scales: new Float32Array(E * H * (I / BLOCK_SIZE)) }),
      (state, name, values) => {
        const { e, part } = slots.get(name)!;
        if (part === 'w2') {
          const w2 = quantizeLinear(values, H, I, b.options.dtype);
          state.fc2.set(w2.packed, e * H * (I / 2));
          state.fc2Scales.set(w2.scales, e * H * (I / BLOCK_SIZE));
          return;
        }
        const q = quantizeLinear(values, I, H, b.options.dtype);
        const parity = part === 'w1' ? 0 : 1;
        for (let r = 0; r < I; r++) {
          state.fc1.set(q.packed.subarray(r * rowBytes, (r + 1) * rowBytes), (e * 2 * I + 2 * r + parity) * rowBytes);
          state.fc1Scales.set(q.scales.subarray(r * rowScales, (r + 1) * rowScales), (e * 2 * I + 2 * r + parity) * rowScales);
        }
      },
      (state) => [state.fc1, b.floatBytes(state.fc1Scales), state.fc2, b.floatBytes(state.fc2Scales)],
    ),
  );
  return [fc1!, fc1Scales!, '', fc2!, fc2Scales!];
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
