// x · B for the int8 (WASM) graph, with the activations quantized per row (per token) at run time.
//
// Why per row: DynamicQuantizeLinear (ONNX) quantizes a whole tensor with one scale, so a token's result
// depends on which other tokens shared its run (prefill chunk, or decode step). Then a page prefix processed
// in one chunk and the same prefix reused from a cache give different hidden states, and greedy output after
// prefix reuse need not match a cold run. With one scale per row every token's result depends on that token
// alone (the integer accumulation is exact), which is also the accuracy practice for LLM activations
// (per-token scales, as in LLM.int8() and SmoothQuant), since one outlier token no longer coarsens the others.
//
// Form: symmetric, scale = max|x_row| / 127, codes round(x / scale) + 128 as uint8, so MatMulInteger (u8 × s8,
// the kernel onnxruntime-web's WASM build has: MLAS wasm-SIMD QGEMM) takes the scalar zero point 128.
// ONNX MatMulInteger allows a per-row A zero point, but onnxruntime's CPU kernel takes a scalar only, and
// the per-row scale is applied after the integer product instead.
import type { GraphBuilder } from '../onnx/graph-builder';

/** Smallest row scale: an all-zero row then quantizes to zeros instead of 0/0. */
const MIN_SCALE = 1e-30;
const ZERO_POINT = 128;
/**
 * 1/127, made 2^-20 larger. Rows right after the int8 embedding are code × row scale × BF16 norm weight / rms:
 * numbers with few significant bits, so x / scale lands exactly on k + 0.5 for several of a row's 2048 values,
 * and two runtimes whose RMSNorm differs in the last bit round those ties opposite ways. Measured on the 1.2B's
 * shapes: 9 codes of the first row flipped between onnxruntime-web's WASM and onnxruntime-node, and the flips grew
 * through the gated convolutions to 2e-2 of the logits. With the margin a tie sits (k + 0.5) · 2^-20 below the
 * boundary, several units in the last place, so every runtime rounds it the same way; the codes change by at
 * most that fraction of a step.
 */
const INV_127 = Math.fround((1 + 2 ** -20) / 127);

/**
 * y = x · (B × bScales) for x float32 [..., K], B int8 [K, N] (symmetric, zero point 0) and bScales float32
 * [N]. Rounding is ONNX Round (half to even); see quantizeRowSymmetric for the same steps in TypeScript.
 */
export function rowQuantizedMatMul(g: GraphBuilder, x: string, b: string, bScales: string): string {
  const absMax = g.op1('ReduceMax', [g.op1('Abs', [x]), g.constInt64('last_axis', [-1])], { keepdims: 1 });
  const scale = g.op1('Mul', [g.op1('Max', [absMax, g.constant('min_scale', 'float32', [], Float32Array.of(MIN_SCALE))]), g.constant('inv_127', 'float32', [], Float32Array.of(INV_127))]);
  const codes = g.op1('Add', [g.op1('Round', [g.op1('Div', [x, scale])]), g.constant('zero_point_f', 'float32', [], Float32Array.of(ZERO_POINT))]);
  const xq = g.op1('Cast', [codes], { to: 2 /* uint8 */ });
  const acc = g.op1('MatMulInteger', [xq, b, g.constant('zero_point', 'uint8', [], Uint8Array.of(ZERO_POINT))]);
  return g.op1('Mul', [g.op1('Mul', [g.op1('Cast', [acc], { to: 1 /* float */ }), scale]), bScales]);
}

/**
 * The quantization rowQuantizedMatMul applies to one row, in float32 arithmetic as ORT does: the row scale and
 * the signed codes (code − 128). For the reference forward pass and tests.
 */
export function quantizeRowSymmetric(row: ArrayLike<number>): { scale: number; codes: Int8Array } {
  let absMax = 0;
  for (let i = 0; i < row.length; i++) absMax = Math.max(absMax, Math.abs(Math.fround(row[i] as number)));
  const scale = Math.fround(Math.max(absMax, Math.fround(MIN_SCALE)) * INV_127);
  const codes = new Int8Array(row.length);
  for (let i = 0; i < row.length; i++) codes[i] = roundHalfEven(Math.fround(Math.fround(row[i] as number) / scale));
  return { scale, codes };
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
