// How many tokens a request may use on this device, and how much the prefix cache may keep, decided from what a
// token costs and what memory is left once the weights are in. The trained context (128K for LFM2.5-8B-A1B) is an
// upper bound, not a plan: on WASM a 100K-token prompt would not fit beside the weights in 4 GiB.
import type { Lfm2Config } from '../model/config';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** WebAssembly's 32-bit address space: everything ORT's WASM backend holds lives in it. */
export const WASM_ADDRESS_BYTES = 4 * GiB;
/** ORT's own runtime, kernels and scratch beside the weights (measured: ~300 MB for the 1.2B in a fresh document). */
const RUNTIME_BYTES = 384 * MiB;
/** Browsers report at most 8 GiB of device memory; the engine takes at most half of what is reported below that. */
const DEVICE_SHARE = 0.5;
const REPORTED_CAP_GIB = 8;
/** Prompts are fed this many tokens at a time (generation.ts PREFILL_CHUNK); their activations are the workspace. */
const RUN_TOKENS = 256;
/** Contexts are planned in steps of this many tokens, never below the smallest the summaries plan for. */
const STEP = 256;
export const MIN_CONTEXT_TOKENS = 2048;

export interface ContextPlanInput {
  config: Pick<Lfm2Config, 'layerTypes' | 'numKvHeads' | 'headDim' | 'hiddenSize' | 'convLCache' | 'vocabSize' | 'intermediateSize' | 'maxPositionEmbeddings'>;
  backend: 'wasm' | 'webgpu';
  /** Bytes per element of the cache tensors the graph takes (4 for float32, 2 for float16). */
  stateElementBytes: number;
  /** Bytes the weights take once loaded (the stored graph's data). */
  weightBytes: number;
  /** navigator.deviceMemory in GiB, where the browser tells it. */
  deviceMemoryGiB?: number;
  /** WebGPU: the largest buffer one tensor may have (maxStorageBufferBindingSize). */
  maxBindingBytes?: number;
}

export interface ContextPlan {
  /** The most tokens one request (prompt and answer) may take here. */
  contextTokens: number;
  /** The bytes one token of context costs in the attention layers' caches. */
  kvBytesPerToken: number;
  /** What the prefix cache may keep, in bytes of cache tensors. */
  prefixCacheBytes: number;
  /** The memory a request at `tokens` tokens needs beyond the weights: what the plan is checked against. */
  requestBytes(tokens: number): number;
  /** Why the context is what it is, in words for the hardware panel and the bench. */
  limitedBy: 'trained-context' | 'memory' | 'buffer-size';
}

export function kvBytesPerToken(config: ContextPlanInput['config'], elementBytes: number): number {
  const attentionLayers = config.layerTypes.filter((type) => type === 'full_attention').length;
  return attentionLayers * 2 * config.numKvHeads * config.headDim * elementBytes;
}

/**
 * Memory of one request at `tokens` tokens beyond the weights: the caches twice (a run reads the past caches and
 * writes the present ones, past + new, before the past ones are let go), the conv states, and one prefill run's
 * activations and logits.
 */
function requestBytesFor(input: ContextPlanInput, tokens: number): number {
  const { config, stateElementBytes } = input;
  const convLayers = config.layerTypes.length - config.layerTypes.filter((type) => type === 'full_attention').length;
  const conv = 2 * convLayers * config.hiddenSize * config.convLCache * stateElementBytes;
  const activations = RUN_TOKENS * (4 * config.hiddenSize + 2 * config.intermediateSize) * 4 + RUN_TOKENS * config.vocabSize * 4;
  return 2 * tokens * kvBytesPerToken(config, stateElementBytes) + conv + activations;
}

export function planContext(input: ContextPlanInput): ContextPlan {
  const perToken = kvBytesPerToken(input.config, input.stateElementBytes);
  // Browsers cap what they report at 8 GiB: a machine that says 8 may have far more, so only less than that binds.
  const reported = input.deviceMemoryGiB;
  const device = reported !== undefined && reported < REPORTED_CAP_GIB ? reported * GiB * DEVICE_SHARE : Number.POSITIVE_INFINITY;
  const address = input.backend === 'wasm' ? WASM_ADDRESS_BYTES : Number.POSITIVE_INFINITY;
  const free = Math.min(device, address) - input.weightBytes - RUNTIME_BYTES;
  // The request's own caches twice, and the prefix cache up to one more context's worth of caches.
  const fixed = requestBytesFor(input, 0);
  const byMemory = perToken > 0 ? Math.floor((free - fixed) / (3 * perToken)) : Number.POSITIVE_INFINITY;
  // On WebGPU each layer's key or value cache is one buffer: [1, kv heads, tokens, head dim].
  const perLayerToken = input.config.numKvHeads * input.config.headDim * input.stateElementBytes;
  const byBuffer = input.maxBindingBytes !== undefined ? Math.floor(input.maxBindingBytes / perLayerToken) : Number.POSITIVE_INFINITY;
  const trained = input.config.maxPositionEmbeddings;
  const limit = Math.min(trained, byMemory, byBuffer);
  const contextTokens = Math.max(MIN_CONTEXT_TOKENS, limit === trained ? trained : Math.floor(limit / STEP) * STEP);
  const limitedBy = limit === trained ? 'trained-context' : byBuffer < byMemory ? 'buffer-size' : 'memory';
  return {
    contextTokens,
    kvBytesPerToken: perToken,
    prefixCacheBytes: Math.max(0, contextTokens * perToken),
    requestBytes: (tokens) => requestBytesFor(input, tokens),
    limitedBy,
  };
}
