import { describe, expect, test } from 'vitest';
import { topLogits } from '../../../src/engine/top-logits';

describe('topLogits', () => {
  test('returns the k largest, largest first, as a full sort would', () => {
    let state = 12345;
    const logits = Float32Array.from({ length: 5000 }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32 - 0.5;
    });
    const sorted = [...logits.entries()].sort((a, b) => b[1] - a[1]).slice(0, 7);
    expect(topLogits(logits, 7)).toEqual(sorted.map(([id, value]) => [id, value]));
  });

  test('keeps the lower id first among equal logits, and copes with k above the vocabulary', () => {
    expect(topLogits(Float32Array.from([1, 3, 3, -2]), 2)).toEqual([[1, 3], [2, 3]]);
    expect(topLogits(Float32Array.from([0.5, -1]), 5)).toEqual([[0, 0.5], [1, -1]]);
  });
});
