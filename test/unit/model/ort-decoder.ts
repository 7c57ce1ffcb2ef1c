// Drives an exported LFM2 graph the way transformers.js does: left-padded batches, attention_mask growing
// by one column per step, position_ids from the mask's cumulative sum, present.* fed back as past.*.
// The session itself sits behind `ForwardRunner`, so the same protocol runs on onnxruntime-node, on
// onnxruntime-web in Node, or in a browser page (test/e2e/harness/ort-test-page-runner.ts).
import type * as ortTypes from 'onnxruntime-common';
import { layerCacheNames, pastShape } from '../../../src/model/cache-names';
import type { Lfm2Config } from '../../../src/model/config';
import { PAD_TOKEN_ID } from '../../../src/model/special-tokens';

type Ort = { Tensor: typeof ortTypes.Tensor };

/** One state tensor: fed as `past`, returned as `present`, zero-filled with `dims` at the start. */
export interface CacheSpec {
  past: string;
  present: string;
  type: 'float32' | 'float16';
  dims: number[];
}

/** Rows of int64 inputs, [batch][sequence] (attention_mask is [batch][total]). */
export interface ForwardFeeds {
  inputIds: number[][];
  attentionMask: number[][];
  positionIds: number[][];
}

/** Where the graph runs. It owns the caches: each `forward` feeds the previous call's present.* as past.*. */
export interface ForwardRunner {
  /** Drops the caches and starts from zero-filled ones. */
  reset(caches: CacheSpec[]): Promise<void>;
  /** Runs the graph once; returns logits, flat [batch × sequence × vocab]. */
  forward(feeds: ForwardFeeds): Promise<Float32Array>;
}

/** A runner over an ORT session in this process (onnxruntime-node, or onnxruntime-web's WASM in Node). */
export function sessionRunner(ort: Ort, session: ortTypes.InferenceSession): ForwardRunner {
  let caches: CacheSpec[] = [];
  const past = new Map<string, ortTypes.Tensor>();
  return {
    async reset(specs) {
      caches = specs;
      past.clear();
      for (const c of specs) {
        const size = c.dims.reduce((a, b) => a * b, 1);
        past.set(c.past, new ort.Tensor(c.type, c.type === 'float16' ? new Uint16Array(size) : new Float32Array(size), c.dims));
      }
    },
    async forward({ inputIds, attentionMask, positionIds }) {
      const i64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), (v) => BigInt(v)), [rows.length, rows[0]!.length]);
      const feeds: Record<string, ortTypes.Tensor> = { input_ids: i64(inputIds), attention_mask: i64(attentionMask), position_ids: i64(positionIds) };
      for (const [name, tensor] of past) feeds[name] = tensor;
      const out = await session.run(feeds);
      for (const c of caches) past.set(c.past, out[c.present]!);
      return out.logits!.data as Float32Array;
    },
  };
}

export class OrtDecoder {
  private mask: number[][] = [];

  constructor(
    private readonly runner: ForwardRunner,
    private readonly config: Lfm2Config,
    private readonly cacheType: 'float32' | 'float16',
    /** Added to decode-step position ids only, so new tokens disagree with the cache (a uniform shift is invisible to RoPE). */
    private readonly positionShift = 0,
  ) {}

  /** Runs left-padded prompts; returns per row the logits of its real tokens, [row][token][vocab]. */
  async prefill(prompts: number[][]): Promise<Float32Array[][]> {
    const width = Math.max(...prompts.map((p) => p.length));
    this.mask = prompts.map((p) => [...Array(width - p.length).fill(0), ...p.map(() => 1)]);
    const ids = prompts.map((p) => [...Array(width - p.length).fill(PAD_TOKEN_ID), ...p]);
    const caches = layerCacheNames(this.config).flatMap((layer) =>
      layer.past.map((past, i) => ({ past, present: layer.present[i]!, type: this.cacheType, dims: pastShape(this.config, layer.kind, prompts.length, 0) })),
    );
    await this.runner.reset(caches);
    const logits = await this.run(ids, 0);
    return prompts.map((p, row) => logits[row]!.slice(width - p.length));
  }

  /** One decode step with one new token per row; returns [row][vocab]. */
  async step(tokens: number[]): Promise<Float32Array[]> {
    this.mask.forEach((m) => m.push(1));
    return (await this.run(tokens.map((t) => [t]), this.positionShift)).map((rows) => rows[0]!);
  }

  private async run(ids: number[][], shift: number): Promise<Float32Array[][]> {
    const batch = ids.length;
    const seq = ids[0]!.length;
    const total = this.mask[0]!.length;
    const positions = this.mask.map((m) => {
      let sum = 0;
      const all = m.map((v) => (v ? sum++ : 1));
      return all.slice(total - seq).map((p) => p + shift);
    });
    const data = await this.runner.forward({ inputIds: ids, attentionMask: this.mask.map((m) => [...m]), positionIds: positions });
    const V = this.config.vocabSize;
    if (data.length !== batch * seq * V) throw new Error(`logits has ${data.length} values, expected ${batch}×${seq}×${V}`);
    return Array.from({ length: batch }, (_, b) => Array.from({ length: seq }, (_, s) => data.slice((b * seq + s) * V, (b * seq + s + 1) * V)));
  }
}

export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += ((actual[i] as number) - (expected[i] as number)) ** 2;
    norm += (expected[i] as number) ** 2;
  }
  return Math.sqrt(diff / norm);
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}
