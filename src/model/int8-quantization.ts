// Symmetric int8 per-output-channel quantization for the CPU (WASM) graph: one float32 scale per row of a
// Linear weight [N, K], codes in [-127, 127]. The graph multiplies it with MatMulInteger against activations
// quantized per token at run time (export/row-quantized-matmul.ts), so B is stored as [K, N].

export interface Int8Matrix {
  rows: number;
  cols: number;
  /** [cols, rows]: the transposed codes, MatMulInteger's B [K, N]. */
  codesT: Int8Array;
  /** One scale per row (output channel). */
  scales: Float32Array;
}

export function quantizeInt8PerRow(weights: ArrayLike<number>, rows: number, cols: number): Int8Matrix {
  if (weights.length !== rows * cols) throw new Error(`cannot quantize: ${weights.length} values for [${rows}, ${cols}]`);
  const codesT = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let absMax = 0;
    for (let c = 0; c < cols; c++) absMax = Math.max(absMax, Math.abs(weights[r * cols + c] as number));
    const scale = Math.fround(absMax / 127) || 1;
    scales[r] = scale;
    for (let c = 0; c < cols; c++) codesT[c * rows + r] = Math.max(-127, Math.min(127, Math.round((weights[r * cols + c] as number) / scale)));
  }
  return { rows, cols, codesT, scales };
}

/** The weights [rows, cols] as the int8 graph stores them: code × scale. */
export function dequantizeInt8(q: Int8Matrix): Float64Array {
  const out = new Float64Array(q.rows * q.cols);
  for (let r = 0; r < q.rows; r++) for (let c = 0; c < q.cols; c++) out[r * q.cols + c] = (q.codesT[c * q.rows + r] as number) * (q.scales[r] as number);
  return out;
}

/** Int8 matrices of the same width stacked along rows (B [K, ΣN] side by side); scales follow. */
export function concatInt8Rows(parts: Int8Matrix[]): Int8Matrix {
  const cols = parts[0]!.cols;
  const rows = parts.reduce((sum, p) => sum + p.rows, 0);
  const codesT = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  let at = 0;
  for (const p of parts) {
    for (let c = 0; c < cols; c++) codesT.set(p.codesT.subarray(c * p.rows, (c + 1) * p.rows), c * rows + at);
    scales.set(p.scales, at);
    at += p.rows;
  }
  return { rows, cols, codesT, scales };
}
