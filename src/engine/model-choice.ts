// Judges which model fits this machine, and says why in codes the UI turns into words. The models themselves
// are listed once, in the store's registry (store/model-registry.ts); this file holds only the rules.
// The 8B MoE needs WebGPU (its weights exceed WASM's 4 GB memory); CPU-only machines get the 1.2B model.
import type { ChoiceReason, ModelCandidate, ModelVerdict } from '../protocol/model-fit';
import type { Capabilities } from './capability-probe';

export type ModelChoice =
  | { ok: true; candidate: ModelCandidate; threads: number; reasons: { candidate: ModelCandidate; reason: ChoiceReason }[] }
  | { ok: false; reasons: { candidate: ModelCandidate; reason: ChoiceReason }[] };

const GiB = 1024 ** 3;
/** WASM's 32-bit address space; weights, activations and caches all live in it. */
export const WASM_MEMORY_LIMIT = 4 * GiB;

/** Room for activations, caches and the browser itself beside the weights. */
const HEADROOM = 1.5;

/** The first of `candidates` (best first) this machine runs, with the reason each one was passed over. */
export function chooseModel(caps: Capabilities, candidates: readonly ModelCandidate[]): ModelChoice {
  const reasons: { candidate: ModelCandidate; reason: ChoiceReason }[] = [];
  const threads = caps.crossOriginIsolated ? Math.max(1, Math.min(4, caps.cores)) : 1;
  for (const candidate of candidates) {
    const reason = whyNot(caps, candidate);
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

/** Each of `candidates` judged: why it does not run here (none when it does), and the memory it needs. */
export function judgeModels(caps: Capabilities, candidates: readonly ModelCandidate[]): ModelVerdict[] {
  return candidates.map((candidate) => {
    const reason = whyNot(caps, candidate);
    return { candidate, ...(reason ? { reason } : {}), memoryBytes: Math.round(candidate.weightBytes * HEADROOM) };
  });
}

/** Why `candidate` does not run on this machine, or undefined when it does. */
export function whyNot(caps: Capabilities, candidate: ModelCandidate): ChoiceReason | undefined {
  const memory = caps.deviceMemoryGiB;
  // deviceMemory is rounded down and capped by browsers (8 GiB in most), so only a low value can rule a model out.
  if (memory !== undefined && memory < 8 && memory * GiB < candidate.weightBytes * HEADROOM) return 'memory-low';
  if (candidate.backend === 'wasm') return candidate.weightBytes * HEADROOM > WASM_MEMORY_LIMIT ? 'wasm-memory-limit' : undefined;
  const gpu = caps.webgpu;
  if ('unavailable' in gpu) return `webgpu-${gpu.unavailable}`;
  if (gpu.software) return 'webgpu-software';
  if (gpu.maxStorageBufferBindingSize < candidate.largestBufferBytes || gpu.maxBufferSize < candidate.largestBufferBytes) return 'webgpu-buffer-limit';
  if (candidate.dtype === 'q4f16' && !gpu.shaderF16) return 'webgpu-no-f16';
  return undefined;
}
