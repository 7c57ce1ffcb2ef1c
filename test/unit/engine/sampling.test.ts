import { describe, expect, it } from 'vitest';
import { Sampler, topK } from '../../../src/engine/sampling';

const base = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 };

describe('Sampler', () => {
  it('is greedy at temperature 0', () => {
    expect(new Sampler({ ...base, temperature: 0 }).next(Float32Array.from([0.1, 3, 2]))).toBe(1);
  });

  it('repeats exactly for the same seed and follows the distribution', () => {
    const logits = Float32Array.from([Math.log(0.7), Math.log(0.2), Math.log(0.1)]);
    const draw = (seed: number) => {
      const sampler = new Sampler({ ...base, seed });
      return Array.from({ length: 4000 }, () => sampler.next(logits.slice()));
    };
    expect(draw(5)).toEqual(draw(5));
    const counts = [0, 0, 0];
    for (const id of draw(9)) counts[id]!++;
    expect(counts[0]! / 4000).toBeCloseTo(0.7, 1);
    expect(counts[2]! / 4000).toBeCloseTo(0.1, 1);
  });

  it('never leaves the top-k or the top-p nucleus', () => {
    const logits = Float32Array.from([5, 4, 3, 2, 1, 0]);
    const k = new Sampler({ ...base, topK: 2, seed: 1 });
    const p = new Sampler({ ...base, topP: 0.5, seed: 1 });
    for (let i = 0; i < 500; i++) {
      expect(k.next(logits.slice())).toBeLessThan(2);
      expect(p.next(logits.slice())).toBe(0);
    }
  });

  it('penalizes seen tokens the way transformers does (divide positive, multiply negative)', () => {
    const sampler = new Sampler({ ...base, temperature: 0, repetitionPenalty: 2 }, [0]);
    expect(sampler.next(Float32Array.from([3, 2]))).toBe(1);
    sampler.observe(1);
    const logits = Float32Array.from([-1, -0.6, -0.7]);
    expect(sampler.next(logits)).toBe(2);
    expect([...logits]).toEqual([-2, -1.2000000476837158, -0.699999988079071]);
  });
});

describe('topK', () => {
  it('returns the k largest ids in order, skipping NaN', () => {
    expect(topK([1, 9, Number.NaN, 4, 7, 9], 3)).toEqual([1, 5, 4]);
  });
});
