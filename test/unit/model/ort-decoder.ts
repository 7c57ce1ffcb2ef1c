// Drives an exported LFM2 graph the way transformers.js does: left-padded batches, attention_mask growing
// by one column per step, position_ids from the mask's cumulative sum, present.* fed back as past.*.
import type * as ortTypes from 'onnxruntime-common';
import { layerCacheNames, pastShape } from '../../../src/model/cache-names';
import type { Lfm2Config } from '../../../src/model/config';
import { PAD_TOKEN_ID } from '../../../src/model/special-tokens';

type Ort = { Tensor: typeof ortTypes.Tensor };

export class OrtDecoder {
  private mask: number[][] = [];
  private past = new Map<string, ortTypes.Tensor>();

  constructor(
    private readonly ort: Ort,
    private readonly session: ortTypes.InferenceSession,
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
    for (const layer of layerCacheNames(this.config)) {
      layer.past.forEach((name) => {
        const shape = pastShape(this.config, layer.kind, prompts.length, 0);
        const size = shape.reduce((a, b) => a * b, 1);
        this.past.set(name, new this.ort.Tensor(this.cacheType, this.cacheType === 'float16' ? new Uint16Array(size) : new Float32Array(size), shape));
      });
    }
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
    const i64 = (rows: number[][]) => new this.ort.Tensor('int64', BigInt64Array.from(rows.flat(), (v) => BigInt(v)), [rows.length, rows[0]!.length]);
    const feeds: Record<string, ortTypes.Tensor> = { input_ids: i64(ids), attention_mask: i64(this.mask), position_ids: i64(positions) };
    for (const [name, tensor] of this.past) feeds[name] = tensor;
    const out = await this.session.run(feeds);
    for (const layer of layerCacheNames(this.config)) layer.past.forEach((name, i) => this.past.set(name, out[layer.present[i]!]!));
    const data = out.logits!.data as Float32Array;
    const V = this.config.vocabSize;
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
