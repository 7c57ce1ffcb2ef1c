// Plain Float64 forward pass of LFM2 / LFM2-MoE, written from transformers' modeling_lfm2.py and
// modeling_lfm2_moe.py (eager paths), over the weights exactly as an export of `dtype` stores them.
// One sequence at a time: a padded batch must give each row the result of that row alone.
import { isMoeLayer, type Lfm2Config } from '../../src/model/config';
import type { WeightSource } from '../../src/model/export/lfm2-graph';
import { storedFloat, storedLinear, type ExportDtype } from '../../src/model/export-dtype';
import { quantizeRowSymmetric } from '../../src/model/export/row-quantized-matmul';
import { ropeTables } from '../../src/model/rope';
import { weightName } from '../../src/model/weight-names';

interface Linear {
  w: Float64Array;
  rows: number;
  cols: number;
}

export interface ReferenceState {
  /** Per attention layer: keys and values of every past position, [position][kvHeads * headDim]. */
  keys: Float64Array[][];
  values: Float64Array[][];
  /** Per conv layer: the last L_cache conv inputs B·x, [L][hidden], oldest first. */
  conv: Float64Array[][];
  position: number;
}

function matVec(m: Linear, x: Float64Array): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    const base = r * m.cols;
    for (let c = 0; c < m.cols; c++) s += (m.w[base + c] as number) * (x[c] as number);
    out[r] = s;
  }
  return out;
}

function rmsNorm(x: Float64Array, gamma: Float64Array, eps: number, offset = 0, length = x.length): Float64Array {
  let ss = 0;
  for (let i = 0; i < length; i++) ss += (x[offset + i] as number) ** 2;
  const inv = 1 / Math.sqrt(ss / length + eps);
  return Float64Array.from({ length }, (_, i) => (x[offset + i] as number) * inv * (gamma[i] as number));
}

const silu = (v: number) => v / (1 + Math.exp(-v));
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

export class Lfm2Reference {
  private readonly linears = new Map<string, Linear>();
  private readonly floats = new Map<string, Float64Array>();
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(
    readonly config: Lfm2Config,
    private readonly source: WeightSource,
    readonly dtype: ExportDtype,
    maxPositions = 4096,
  ) {
    const tables = ropeTables(config, maxPositions);
    this.cos = storedFloat(tables.cos, dtype);
    this.sin = storedFloat(tables.sin, dtype);
  }

  private linear(name: string, rows: number, cols: number): Linear {
    let m = this.linears.get(name);
    if (!m) {
      m = { w: storedLinear(this.source.read(name, [rows, cols]), rows, cols, this.dtype), rows, cols };
      this.linears.set(name, m);
    }
    return m;
  }

  /** x · Wᵀ; the int8 graph quantizes x per token first (row-quantized-matmul.ts), so this does too. */
  private project(m: Linear, x: Float64Array): Float64Array {
    if (this.dtype !== 'int8') return matVec(m, x);
    const { scale, codes } = quantizeRowSymmetric(x);
    return matVec(m, Float64Array.from(codes, (q) => q * scale));
  }

  private float(name: string, shape: number[], exact = false): Float64Array {
    let v = this.floats.get(name);
    if (!v) {
      const raw = this.source.read(name, shape);
      // expert_bias stays float32 in every export: routing is computed in float32.
      v = exact ? Float64Array.from(raw) : storedFloat(raw, this.dtype);
      this.floats.set(name, v);
    }
    return v;
  }

  newState(): ReferenceState {
    const c = this.config;
    return {
      keys: c.layerTypes.map(() => []),
      values: c.layerTypes.map(() => []),
      conv: c.layerTypes.map(() => Array.from({ length: c.convLCache }, () => new Float64Array(c.hiddenSize))),
      position: 0,
    };
  }

  /** Runs `tokens` after whatever `state` already holds; returns logits [tokens.length][vocab]. */
  forward(tokens: number[], state: ReferenceState): Float64Array[] {
    return tokens.map((token) => this.step(token, state));
  }

  private step(token: number, state: ReferenceState): Float64Array {
    const c = this.config;
    const H = c.hiddenSize;
    const embed = this.linear(weightName.embed, c.vocabSize, H);
    let x = embed.w.slice(token * H, (token + 1) * H);
    for (let l = 0; l < c.numLayers; l++) {
      const h = rmsNorm(x, this.float(weightName.operatorNorm(l), [H]), c.normEps);
      const mixed = c.layerTypes[l] === 'conv' ? this.conv(l, h, state) : this.attention(l, h, state);
      x = x.map((v, i) => v + (mixed[i] as number));
      const f = rmsNorm(x, this.float(weightName.ffnNorm(l), [H]), c.normEps);
      const ffn = isMoeLayer(c, l) ? this.moe(l, f) : this.mlp(f, weightName.w1(l), weightName.w3(l), weightName.w2(l), c.intermediateSize);
      x = x.map((v, i) => v + (ffn[i] as number));
    }
    state.position++;
    const final = rmsNorm(x, this.float(weightName.finalNorm, [H]), c.normEps);
    return this.project(c.tieWordEmbeddings ? embed : this.linear(weightName.lmHead, c.vocabSize, H), final);
  }

  /** Lfm2ShortConv: B, C, x = chunk(in_proj(h), 3); y = C · conv(B · x); out_proj(y). */
  private conv(l: number, h: Float64Array, state: ReferenceState): Float64Array {
    const c = this.config;
    const H = c.hiddenSize;
    const bcx = this.project(this.linear(weightName.inProj(l), 3 * H, H), h);
    if (c.convBias) {
      const bias = this.float(weightName.inProjBias(l), [3 * H]);
      for (let i = 0; i < 3 * H; i++) bcx[i]! += bias[i] as number;
    }
    const window = state.conv[l]!;
    window.shift();
    window.push(Float64Array.from({ length: H }, (_, i) => (bcx[i] as number) * (bcx[2 * H + i] as number)));
    const weight = this.float(weightName.conv(l), [H, 1, c.convLCache]);
    const convBias = c.convBias ? this.float(weightName.convBias(l), [H]) : undefined;
    const y = new Float64Array(H);
    for (let i = 0; i < H; i++) {
      let s = convBias ? (convBias[i] as number) : 0;
      for (let j = 0; j < c.convLCache; j++) s += (weight[i * c.convLCache + j] as number) * (window[j]![i] as number);
      y[i] = (bcx[H + i] as number) * s;
    }
    const out = this.project(this.linear(weightName.convOutProj(l), H, H), y);
    if (c.convBias) {
      const bias = this.float(weightName.convOutProjBias(l), [H]);
      for (let i = 0; i < H; i++) out[i]! += bias[i] as number;
    }
    return out;
  }

  private rope(v: Float64Array, heads: number, position: number): void {
    const D = this.config.headDim;
    const half = D / 2;
    for (let head = 0; head < heads; head++) {
      const o = head * D;
      for (let i = 0; i < half; i++) {
        const cos = this.cos[position * half + i] as number;
        const sin = this.sin[position * half + i] as number;
        const a = v[o + i] as number;
        const b = v[o + half + i] as number;
        v[o + i] = a * cos - b * sin;
        v[o + half + i] = b * cos + a * sin;
      }
    }
  }

  /** Lfm2Attention: q/k per-head RMS norm, RoPE, causal GQA over the cache, scaling head_dim^-0.5. */
  private attention(l: number, h: Float64Array, state: ReferenceState): Float64Array {
    const c = this.config;
    const D = c.headDim;
    const headNorm = (v: Float64Array, heads: number, gamma: Float64Array) => {
      const out = new Float64Array(v.length);
      for (let head = 0; head < heads; head++) out.set(rmsNorm(v, gamma, c.normEps, head * D, D), head * D);
      return out;
    };
    const q = headNorm(this.project(this.linear(weightName.q(l), c.numHeads * D, c.hiddenSize), h), c.numHeads, this.float(weightName.qNorm(l), [D]));
    const k = headNorm(this.project(this.linear(weightName.k(l), c.numKvHeads * D, c.hiddenSize), h), c.numKvHeads, this.float(weightName.kNorm(l), [D]));
    const v = this.project(this.linear(weightName.v(l), c.numKvHeads * D, c.hiddenSize), h);
    this.rope(q, c.numHeads, state.position);
    this.rope(k, c.numKvHeads, state.position);
    state.keys[l]!.push(k);
    state.values[l]!.push(v);
    const keys = state.keys[l]!;
    const values = state.values[l]!;
    const group = c.numHeads / c.numKvHeads;
    const out = new Float64Array(c.numHeads * D);
    for (let head = 0; head < c.numHeads; head++) {
      const kvHead = Math.floor(head / group);
      const scores = keys.map((key) => {
        let s = 0;
        for (let d = 0; d < D; d++) s += (q[head * D + d] as number) * (key[kvHead * D + d] as number);
        return s / Math.sqrt(D);
      });
      const max = Math.max(...scores);
      const weights = scores.map((s) => Math.exp(s - max));
      const total = weights.reduce((a, b) => a + b, 0);
      for (let p = 0; p < keys.length; p++) {
        for (let d = 0; d < D; d++) out[head * D + d]! += ((weights[p] as number) / total) * (values[p]![kvHead * D + d] as number);
      }
    }
    return this.project(this.linear(weightName.o(l), c.hiddenSize, c.numHeads * D), out);
  }

  private mlp(h: Float64Array, w1: string, w3: string, w2: string, size: number): Float64Array {
    const H = this.config.hiddenSize;
    const gate = this.project(this.linear(w1, size, H), h);
    const up = this.project(this.linear(w3, size, H), h);
    return this.project(this.linear(w2, H, size), gate.map((g, i) => silu(g) * (up[i] as number)));
  }

  /** Lfm2MoeSparseMoeBlock.route_tokens_to_experts, then the weighted sum of the chosen experts. */
  private moe(l: number, h: Float64Array): Float64Array {
    const moe = this.config.moe!;
    const H = this.config.hiddenSize;
    const scores = matVec({ w: this.float(weightName.router(l), [moe.numExperts, H]), rows: moe.numExperts, cols: H }, h).map(sigmoid);
    const bias = moe.useExpertBias ? this.float(weightName.expertBias(l), [moe.numExperts], true) : undefined;
    const order = [...scores.keys()].sort((a, b) => (scores[b] as number) + (bias?.[b] ?? 0) - ((scores[a] as number) + (bias?.[a] ?? 0)));
    const chosen = order.slice(0, moe.numExpertsPerToken);
    let weights = chosen.map((e) => scores[e] as number);
    if (moe.normTopkProb) {
      const sum = weights.reduce((a, b) => a + b, 0) + 1e-6;
      weights = weights.map((w) => w / sum);
    }
    const out = new Float64Array(H);
    chosen.forEach((e, j) => {
      const y = this.mlp(h, weightName.expertW1(l, e), weightName.expertW3(l, e), weightName.expertW2(l, e), moe.moeIntermediateSize);
      for (let i = 0; i < H; i++) out[i]! += (weights[j] as number) * moe.routedScalingFactor * (y[i] as number);
    });
    return out;
  }
}
