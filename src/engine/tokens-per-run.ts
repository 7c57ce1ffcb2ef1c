// How many new tokens one session run may take on the device ORT picked. Pure: reads what the ORT runtime
// exposes about its WebGPU device, so the engine runs unchanged in Node (no device there: no limit).
import type { OrtApi } from './ort-types';

/**
 * onnxruntime-web 1.31.0-dev.20260914's WebGPU GroupQueryAttention switches to its flash-attention prefill
 * kernel once a run has 32 or more new tokens. That kernel scores 8 keys per step from subgroup shuffles and
 * assumes at least 8 lanes; on 4-lane subgroups (SwiftShader reports subgroupMinSize = maxSize = 4) lanes 4..7
 * do not exist, so every query from the 5th on attends to garbage and the whole prompt's output is wrong
 * (relative logits error 1e-1 on the tiny models; test/e2e/gqa-prefill-subgroups.e2e.ts pins it). Runs of up
 * to 31 new tokens take another kernel and match the reference to 1e-6, so on such a device the decoder
 * feeds long prompts 31 tokens at a time.
 */
export const NARROW_SUBGROUP_TOKENS_PER_RUN = 31;
const FLASH_PREFILL_MIN_SUBGROUP = 8;

/** The most new tokens per run, or undefined for no limit. Call after a session exists (ORT sets its device then). */
export function tokensPerRunLimit(ort: OrtApi): number | undefined {
  const subgroups = ort.env?.webgpu?.device?.adapterInfo?.subgroupMinSize;
  return subgroups !== undefined && subgroups < FLASH_PREFILL_MIN_SUBGROUP ? NARROW_SUBGROUP_TOKENS_PER_RUN : undefined;
}
