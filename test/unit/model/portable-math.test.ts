import { describe, expect, test } from 'vitest';
import { powFraction, sinCos } from '../../../src/model/portable-math';

describe('portable math', () => {
  test('sinCos agrees with Math.sin/cos to double precision over RoPE angles, and exactly once stored as float32', () => {
    let worst = 0;
    let float32Differences = 0;
    let state = 99;
    const f32 = new Float32Array(4);
    for (let i = 0; i < 200_000; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const x = i < 100_000 ? (state / 2 ** 32) * 131_072 : (state / 2 ** 32 - 0.5) * 20;
      const [s, c] = sinCos(x);
      worst = Math.max(worst, Math.abs(s - Math.sin(x)), Math.abs(c - Math.cos(x)));
      f32.set([s, Math.sin(x), c, Math.cos(x)]);
      if (f32[0] !== f32[1] || f32[2] !== f32[3]) float32Differences++;
    }
    expect(worst).toBeLessThan(1e-15);
    // A last-bit difference in double can land on the other side of a float32 rounding boundary, rarely.
    expect(float32Differences).toBeLessThan(10);
  });

  test('sinCos gives the exact values at 0 and keeps the quadrants', () => {
    expect(sinCos(0)).toEqual([0, 1]);
    const [s, c] = sinCos(Math.PI);
    expect(s).toBeCloseTo(0, 15);
    expect(c).toBe(-1);
    expect(() => sinCos(2 ** 20)).toThrow(RangeError);
  });

  test('powFraction is base^q to double precision', () => {
    for (const base of [10_000, 1_000_000, 5_000_000, 2.5]) {
      for (let i = 0; i < 64; i++) {
        const q = i / 64;
        expect(Math.abs(powFraction(base, q) / base ** q - 1)).toBeLessThan(1e-14);
      }
      expect(Math.abs(powFraction(base, 1 / 3) / base ** (1 / 3) - 1)).toBeLessThan(1e-13);
    }
    expect(() => powFraction(-1, 0.5)).toThrow(RangeError);
  });
});
