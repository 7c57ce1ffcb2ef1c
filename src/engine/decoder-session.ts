// One step of the decoder over an ORT session: feed tokens and a CacheState, get the last position's logits
// and the next CacheState. The state tensors stay wherever ORT put them (GPU buffers on WebGPU when the
// session was created with preferredOutputLocation 'gpu-buffer'), so decoding never copies caches to the CPU.
import type { Lfm2Config } from '../model/config';
import { fromHalfBits } from '../model/float16';
import { CacheState } from './cache-state';
import { readDecoderInterface, type CacheSlot, type DecoderInterface } from './io-names';
import type { OrtApi, OrtSession, OrtTensor } from './ort-types';
import { releaseTensor } from './release-tensor';

export interface StepResult {
  /** Logits of the last fed position, float32. */
  logits: Float32Array;
  state: CacheState;
}

export class DecoderSession {
  readonly io: DecoderInterface;

  constructor(
    private readonly ort: OrtApi,
    readonly session: OrtSession,
    private readonly config: Lfm2Config,
    /** Most new tokens per session run (tokens-per-run.ts); longer feeds run in pieces. */
    readonly tokensPerRun = Number.POSITIVE_INFINITY,
  ) {
    this.io = readDecoderInterface(session.inputMetadata, session.outputMetadata);
  }

  /** The state before any token: zero conv states and empty KV caches. */
  emptyState(): CacheState {
    const tensors = new Map<string, OrtTensor>();
    for (const slot of this.io.slots) {
      const dims = this.initialDims(slot);
      const size = dims.reduce((a, b) => a * b, 1);
      tensors.set(slot.input, new this.ort.Tensor(slot.type, slot.type === 'float16' ? new Uint16Array(size) : new Float32Array(size), dims));
    }
    return new CacheState(tensors, 0);
  }

  /** Feeds `tokens` after `state` (which stays valid: the caller still owns it). */
  async step(tokens: readonly number[], state: CacheState): Promise<StepResult> {
    if (tokens.length <= this.tokensPerRun) return this.run(tokens, state);
    let result: StepResult | undefined;
    try {
      for (let start = 0; start < tokens.length; start += this.tokensPerRun) {
        const previous = result;
        result = await this.run(tokens.slice(start, start + this.tokensPerRun), previous?.state ?? state);
        previous?.state.release();
      }
    } catch (error) {
      result?.state.release();
      throw error;
    }
    return result as StepResult;
  }

  private async run(tokens: readonly number[], state: CacheState): Promise<StepResult> {
    const n = tokens.length;
    const total = state.length + n;
    const feeds: Record<string, OrtTensor> = { [this.io.inputIds]: this.int64(tokens, [1, n]) };
    if (this.io.attentionMask) feeds[this.io.attentionMask] = this.int64(new Array<number>(total).fill(1), [1, total]);
    if (this.io.positionIds) feeds[this.io.positionIds] = this.int64(Array.from({ length: n }, (_, i) => state.length + i), [1, n]);
    for (const slot of this.io.slots) feeds[slot.input] = state.tensors.get(slot.input) as OrtTensor;
    const outputs = await this.session.run(feeds);
    const next = new Map<string, OrtTensor>();
    for (const slot of this.io.slots) next.set(slot.input, outputs[slot.output] as OrtTensor);
    const logitsTensor = outputs[this.io.logits] as OrtTensor;
    // float16 logits come as raw bits (Uint16Array) or, where the JavaScript engine has one, as a Float16Array.
    const all = (await logitsTensor.getData()) as Float32Array | Uint16Array;
    const vocab = logitsTensor.dims.at(-1) as number;
    const last = all.subarray(all.length - vocab);
    const logits = last instanceof Uint16Array ? halfToFloat(last) : Float32Array.from(last);
    releaseTensor(logitsTensor);
    return { logits, state: new CacheState(next, total) };
  }

  private int64(values: readonly number[], dims: number[]): OrtTensor {
    return new this.ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
  }

  private initialDims(slot: CacheSlot): number[] {
    const c = this.config;
    // Symbolic dims: the first is the batch (1), any other is the past length (0). Unknown shapes fall back to
    // the config's layout (BNSH KV caches, [batch, hidden, L_cache] conv states).
    if (slot.shape.length > 0) return slot.shape.map((d, i) => (typeof d === 'number' && d >= 0 ? d : i === 0 ? 1 : 0));
    return slot.part === 'conv' ? [1, c.hiddenSize, c.convLCache] : [1, c.numKvHeads, 0, c.headDim];
  }
}

function halfToFloat(bits: Uint16Array): Float32Array {
  return Float32Array.from(bits, fromHalfBits);
}
