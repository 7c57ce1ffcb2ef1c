// RoPE tables as the graph stores them (cos_cache / sin_cache [positions, head_dim / 2]); the reference
// reads the same tables, so position encoding cannot be a source of mismatch between the two.
import type { Lfm2Config } from './config';
import { powFraction, sinCos } from './portable-math';

export function ropeTables(config: Lfm2Config, positions: number): { cos: Float32Array; sin: Float32Array } {
  const half = config.headDim / 2;
  const cos = new Float32Array(positions * half);
  const sin = new Float32Array(positions * half);
  for (let i = 0; i < half; i++) {
    // As Lfm2RotaryEmbedding: inv_freq = 1 / theta^(2i / d), angle = pos · inv_freq. Portable math, so the
    // browser's conversion and the Node exporter store the same bytes (see portable-math.ts).
    const invFreq = 1 / powFraction(config.ropeTheta, (2 * i) / config.headDim);
    for (let p = 0; p < positions; p++) {
      const [s, c] = sinCos(p * invFreq);
      cos[p * half + i] = c;
      sin[p * half + i] = s;
    }
  }
  return { cos, sin };
}
