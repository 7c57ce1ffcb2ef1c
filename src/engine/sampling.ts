// Picks the next token from logits. Order and semantics follow transformers' logits processors
// (RepetitionPenaltyLogitsProcessor, then temperature, TopKLogitsWarper, TopPLogitsWarper), so a
// generation_config.json means here what it means in Python.
import { seededRandom, type RandomSource } from './seeded-random';

export interface SamplingOptions {
  /** 0 picks the most likely token (greedy). */
  temperature: number;
  /** 0 keeps the whole vocabulary. */
  topK: number;
  /** 1 keeps every candidate left after top-k. */
  topP: number;
  /** 1 disables the penalty. */
  repetitionPenalty: number;
  seed?: number;
}

/** LiquidAI's recommended settings for LFM2.5. */
export const RECOMMENDED_SAMPLING: SamplingOptions = { temperature: 0.2, topK: 80, topP: 1, repetitionPenalty: 1.05 };

export class Sampler {
  private readonly random: RandomSource;
  private readonly penalized = new Set<number>();

  constructor(
    readonly options: SamplingOptions,
    history: Iterable<number> = [],
  ) {
    this.random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
    for (const id of history) this.penalized.add(id);
  }

  /** Records a token the model saw or produced, for the repetition penalty. */
  observe(id: number): void {
    this.penalized.add(id);
  }

  /** `logits` is the last position's row; it may be modified. */
  next(logits: Float32Array): number {
    const penalty = this.options.repetitionPenalty;
    if (penalty !== 1) {
      for (const id of this.penalized) {
        const value = logits[id];
        if (value !== undefined) logits[id] = value > 0 ? value / penalty : value * penalty;
      }
    }
    if (this.options.temperature <= 0) return argmax(logits);
    const k = this.options.topK > 0 ? Math.min(this.options.topK, logits.length) : logits.length;
    const candidates = topK(logits, k);
    const inverseT = 1 / this.options.temperature;
    const top = logits[candidates[0] as number] as number;
    const weights = candidates.map((id) => Math.exp(((logits[id] as number) - top) * inverseT));
    const total = weights.reduce((a, b) => a + b, 0);
    let kept = weights.length;
    if (this.options.topP < 1) {
      // Keep the smallest prefix whose mass reaches top_p; the most likely token always stays.
      let mass = 0;
      for (let i = 0; i < weights.length; i++) {
        mass += (weights[i] as number) / total;
        if (mass >= this.options.topP) {
          kept = i + 1;
          break;
        }
      }
    }
    const keptTotal = weights.slice(0, kept).reduce((a, b) => a + b, 0);
    let r = this.random() * keptTotal;
    for (let i = 0; i < kept; i++) {
      r -= weights[i] as number;
      if (r < 0) return candidates[i] as number;
    }
    return candidates[kept - 1] as number;
  }
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** Ids of the k largest values, largest first, in O(n log k) with a min-heap; ties keep the lower id first. */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const heap: number[] = [];
  const less = (a: number, b: number) => (values[a] as number) < (values[b] as number) || ((values[a] as number) === (values[b] as number) && a > b);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l] as number, heap[m] as number)) m = l;
      if (r < heap.length && less(heap[r] as number, heap[m] as number)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m] as number, heap[i] as number];
      i = m;
    }
  };
  for (let id = 0; id < values.length; id++) {
    if (Number.isNaN(values[id])) continue;
    if (heap.length < k) {
      heap.push(id);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!less(heap[i] as number, heap[p] as number)) break;
        [heap[i], heap[p]] = [heap[p] as number, heap[i] as number];
        i = p;
      }
    } else if (less(heap[0] as number, id)) {
      heap[0] = id;
      down(0);
    }
  }
  return heap.sort((a, b) => (less(a, b) ? 1 : less(b, a) ? -1 : 0));
}
