// RoPE tables as the graph stores them (cos_cache / sin_cache [positions, head_dim / 2]); the reference
// reads the same tables, so position encoding cannot be a source of mismatch between the two.
import type { Lfm2Config } from './config';

export function ropeTables(config: Lfm2Config, positions: number): { cos: Float32Array; sin: Float32Array } {
  const half = config.headDim / 2;
  const cos = new Float32Array(positions * half);
  const sin = new Float32Array(positions * half);
  for (let i = 0; i < half; i++) {
    // Same order of operations as Lfm2RotaryEmbedding: inv_freq = 1 / theta^(2i / d), angle = pos · inv_freq.
    const invFreq = 1 / config.ropeTheta ** ((2 * i) / config.headDim);
    for (let p = 0; p < positions; p++) {
      cos[p * half + i] = Math.cos(p * invFreq);
      sin[p * half + i] = Math.sin(p * invFreq);
    }
  }
  return { cos, sin };
}
