import { describe, expect, test } from 'vitest';
import { quantizeRowSymmetric } from '../../../src/model/export/row-quantized-matmul';

/** The float32 neighbours of v: what another runtime's RMSNorm may hand the quantizer instead. */
function neighbours(v: number): number[] {
  const f = new Float32Array([v]);
  const bits = new Int32Array(f.buffer);
  const out: number[] = [];
  for (const step of [-2, -1, 1, 2]) {
    const g = new Int32Array([bits[0]! + step]);
    out.push(new Float32Array(g.buffer)[0]!);
  }
  return out;
}

describe('per-token activation quantization', () => {
  test('a row of few significant bits (int8 embedding × norm weight) rounds the same for last-bit neighbours', () => {
    // Values on exact half steps of max/127: without the margin x / scale is exactly k + 0.5 for each of them.
    const unit = 0.0123;
    const row = [127, 55.5, -45.5, 3.5, -109.5, 0.5, -7.5, 20].map((k) => Math.fround(k * unit));
    const { codes } = quantizeRowSymmetric(row);
    for (let i = 0; i < row.length; i++) {
      for (const near of neighbours(row[i]!)) {
        const moved = [...row];
        moved[i] = near;
        expect(quantizeRowSymmetric(moved).codes[i], `value ${i} moved by ulps`).toBe(codes[i]);
      }
    }
    // The row's largest value keeps the full range.
    expect(codes[0]).toBe(127);
  });
});
