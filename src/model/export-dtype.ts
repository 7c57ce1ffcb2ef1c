// What each export dtype stores, shared by the exporter and the reference so both see the same numbers.
import { roundToHalf } from './float16';
import { dequantizeInt8, quantizeInt8PerRow } from './int8-quantization';
import { dequantizeInt4, quantizeInt4, type QuantizedMatrix } from './quantization';

/**
 * q4f16 / q4: 4-bit MatMulNBits (WebGPU; native CPU). int8: per-channel int8 with MatMulInteger, the CPU (WASM)
 * variant: onnxruntime-web's WASM MatMulNBits was 10× slower than int8 MatMulInteger on the 1.2B's layer shapes
 * (bench/lib/matmul-variants.ts), and fp32 does not fit its 4 GB memory. fp32 runs one token faster than int8
 * in WASM but a prefill run slower (npm run bench -- cpu_precision; model-registry.ts says which model takes which).
 */
export type ExportDtype = 'q4f16' | 'q4' | 'int8' | 'fp32';

export const EXPORT_DTYPES: readonly ExportDtype[] = ['q4f16', 'q4', 'int8', 'fp32'];

/** Element type of activations and of every unquantized float the graph stores. */
export function activationType(dtype: ExportDtype): 'float32' | 'float16' {
  return dtype === 'q4f16' ? 'float16' : 'float32';
}

/** Whether Linear weights are 4-bit blocks (MatMulNBits; experts in QMoE). */
export function isQuantized(dtype: ExportDtype): boolean {
  return dtype === 'q4' || dtype === 'q4f16';
}

export function quantizeLinear(weights: Float32Array, rows: number, cols: number, dtype: ExportDtype): QuantizedMatrix {
  return quantizeInt4(weights, rows, cols, activationType(dtype));
}

/** A Linear weight [rows, cols] as the exported graph will compute with it. */
export function storedLinear(weights: Float32Array, rows: number, cols: number, dtype: ExportDtype): Float64Array {
  if (isQuantized(dtype)) return dequantizeInt4(quantizeLinear(weights, rows, cols, dtype));
  if (dtype === 'int8') return dequantizeInt8(quantizeInt8PerRow(weights, rows, cols));
  return Float64Array.from(weights);
}

/** A float tensor (norm, conv, router) as stored in the graph's activation type. */
export function storedFloat(values: Float32Array, dtype: ExportDtype): Float64Array {
  return activationType(dtype) === 'float16' ? Float64Array.from(values, roundToHalf) : Float64Array.from(values);
}
