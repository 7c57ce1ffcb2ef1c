// Picks the model, backend and dtype that fit this machine, and says why in codes the UI turns into words.
// The 8B MoE needs WebGPU (its weights exceed WASM's 4 GB memory); CPU-only machines get the 1.2B model.
import type { Capabilities } from './capability-probe';

export type Backend = 'webgpu' | 'wasm';

export interface ModelCandidate {
  modelId: string;
  backend: Backend;
  dtype: 'q4f16' | 'q4' | 'int8';
  /** Bytes of weights the backend must hold (weights with their scales, embeddings included). */
  weightBytes: number;
  /** The largest single weight buffer: must fit the adapter's binding limit. */
  largestBufferBytes: number;
}

/** Why a candidate was taken or passed over; the UI has one message per code (hardware panel). */
export type ChoiceReason =
  | 'webgpu-no-api'
  | 'webgpu-no-adapter'
  | 'webgpu-request-failed'
  | 'webgpu-buffer-limit'
  | 'webgpu-no-f16'
  | 'memory-low'
  | 'wasm-memory-limit'
  | 'wasm-single-thread'
  | 'chosen';

export type ModelChoice =
  | { ok: true; candidate: ModelCandidate; threads: number; reasons: { candidate: ModelCandidate; reason: ChoiceReason }[] }
  | { ok: false; reasons: { candidate: ModelCandidate; reason: ChoiceReason }[] };

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
/** WASM's 32-bit address space; weights, activations and caches all live in it. */
export const WASM_MEMORY_LIMIT = 4 * GiB;

/**
 * Best first. Sizes follow the LFM2.5 shapes (src/model/config.ts presets) at 4.5 bits per weight on WebGPU.
 * The CPU path takes the int8 graph (8 bits per weight, one tied [2048, 65536] table): onnxruntime-web's
 * WASM MatMulNBits ran 10× slower than int8 MatMulInteger on the 1.2B's shapes (bench/lib/matmul-variants.ts).
 */
export const CANDIDATES: readonly ModelCandidate[] = [
  { modelId: 'LiquidAI/LFM2.5-8B-A1B-ONNX', backend: 'webgpu', dtype: 'q4f16', weightBytes: 4.7 * GiB, largestBufferBytes: 132 * MiB },
  { modelId: 'LiquidAI/LFM2.5-8B-A1B-ONNX', backend: 'webgpu', dtype: 'q4', weightBytes: 4.8 * GiB, largestBufferBytes: 132 * MiB },
  { modelId: 'LiquidAI/LFM2.5-1.2B-Instruct-ONNX', backend: 'webgpu', dtype: 'q4f16', weightBytes: 0.75 * GiB, largestBufferBytes: 68 * MiB },
  { modelId: 'LiquidAI/LFM2.5-1.2B-Instruct-ONNX', backend: 'wasm', dtype: 'int8', weightBytes: 1.2 * GiB, largestBufferBytes: 128 * MiB },
];

/** Room for activations, caches and the browser itself beside the weights. */
const HEADROOM = 1.5;

export function chooseModel(caps: Capabilities, candidates: readonly ModelCandidate[] = CANDIDATES): ModelChoice {
  const reasons: { candidate: ModelCandidate; reason: ChoiceReason }[] = [];
  const threads = caps.crossOriginIsolated ? Math.max(1, Math.min(4, caps.cores)) : 1;
  for (const candidate of candidates) {
    const reason = rejection(caps, candidate);
    if (reason) {
      reasons.push({ candidate, reason });
      continue;
    }
    reasons.push({ candidate, reason: 'chosen' });
    if (candidate.backend === 'wasm' && threads === 1) reasons.push({ candidate, reason: 'wasm-single-thread' });
    return { ok: true, candidate, threads, reasons };
  }
  return { ok: false, reasons };
}

function rejection(caps: Capabilities, candidate: ModelCandidate): ChoiceReason | undefined {
  const memory = caps.deviceMemoryGiB;
  // deviceMemory is capped at 8 GiB by browsers, so only a low value can rule a model out.
  if (memory !== undefined && memory < 8 && memory * GiB < candidate.weightBytes * HEADROOM) return 'memory-low';
  if (candidate.backend === 'wasm') return candidate.weightBytes * HEADROOM > WASM_MEMORY_LIMIT ? 'wasm-memory-limit' : undefined;
  const gpu = caps.webgpu;
  if ('unavailable' in gpu) return `webgpu-${gpu.unavailable}`;
  if (gpu.maxStorageBufferBindingSize < candidate.largestBufferBytes || gpu.maxBufferSize < candidate.largestBufferBytes) return 'webgpu-buffer-limit';
  if (candidate.dtype === 'q4f16' && !gpu.shaderF16) return 'webgpu-no-f16';
  return undefined;
}
