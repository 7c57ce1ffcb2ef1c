// Symmetric int4 block quantization, the one implementation the exporter writes and the reference reads.
// Layout is what MatMulNBits, GatherBlockQuantized and QMoE take (ORT docs/ContribOperators.md): each row of
// K weights is split in blocks of 32, one scale per block, two 4-bit values per byte (low nibble first),
// stored unsigned with the implicit zero point 8, so no zero_points tensor is needed (WebGPU QMoE rejects one).
import { roundToHalf } from './float16';

export const BLOCK_SIZE = 32;
export const BITS = 4;
const ZERO_POINT = 8;
const Q_MAX = 7;

export type ScaleType = 'float32' | 'float16';

export interface QuantizedMatrix {
  rows: number;
  cols: number;
  /** rows × (cols / 32) × 16 bytes: MatMulNBits B [N, K/32, 16] and GatherBlockQuantized data [N, K/2]. */
  packed: Uint8Array;
  /** rows × (cols / 32) scales, already rounded to `scaleType`. */
  scales: Float32Array;
}

/**
 * Quantizes a row-major [rows, cols] matrix (a Linear weight [out, in], so rows = N and cols = K).
 *
 * This loop converts every weight of a checkpoint in the browser (8.3 billion for the 8B), so it is written
 * without branches that depend on the data: with a trained checkpoint's signs and magnitudes they mispredict
 * half the time (42 M values/s measured on an 8B expert tensor; this form 165 M/s, the same codes). The code is
 * floor(w / scale + 8.5), the stored unsigned code of round-half-up(w / scale): w and scale are float32, so
 * w / scale is never within a double's rounding error of a tie without being one, and adding 8.5 cannot move
 * it across an integer.
 */
export function quantizeInt4(weights: Float32Array, rows: number, cols: number, scaleType: ScaleType): QuantizedMatrix {
  if (cols % BLOCK_SIZE !== 0) throw new Error(`cannot block-quantize: ${cols} columns is not a multiple of ${BLOCK_SIZE}`);
  if (weights.length !== rows * cols) throw new Error(`cannot quantize: ${weights.length} values for [${rows}, ${cols}]`);
  const blocks = (rows * cols) / BLOCK_SIZE;
  const packed = new Uint8Array((rows * cols) / 2);
  const scales = new Float32Array(blocks);
  const half = scaleType === 'float16';
  const offset = ZERO_POINT + 0.5;
  const top = Q_MAX + ZERO_POINT;
  for (let block = 0, start = 0; block < blocks; block++, start += BLOCK_SIZE) {
    const end = start + BLOCK_SIZE;
    let absMax = 0;
    for (let i = start; i < end; i++) absMax = Math.max(absMax, Math.abs(weights[i]!));
    // Map the largest magnitude to ±7 so both signs keep full range; the scale is rounded first to the
    // stored precision so the codes are chosen against the scale the kernel will actually multiply by.
    let scale = absMax / Q_MAX;
    scale = half ? roundToHalf(scale) : Math.fround(scale);
    if (scale === 0) scale = 1;
    scales[block] = scale;
    for (let i = start, byte = start >> 1; i < end; i += 2, byte++) {
      const lo = Math.min(top, Math.max(0, Math.floor(weights[i]! / scale + offset)));
      const hi = Math.min(top, Math.max(0, Math.floor(weights[i + 1]! / scale + offset)));
      packed[byte] = lo | (hi << 4);
    }
  }
  return { rows, cols, packed, scales };
}

/** The exact weights the ORT kernels see: (code − 8) × scale. */
export function dequantizeInt4(q: QuantizedMatrix): Float64Array {
  const out = new Float64Array(q.rows * q.cols);
  for (let i = 0; i < out.length; i += 2) {
    const byte = q.packed[i / 2] as number;
    const scale = q.scales[Math.floor(i / BLOCK_SIZE)] as number;
    out[i] = ((byte & 0x0f) - ZERO_POINT) * scale;
    out[i + 1] = ((byte >> 4) - ZERO_POINT) * scale;
  }
  return out;
}
