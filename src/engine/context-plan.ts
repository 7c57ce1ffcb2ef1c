// How many tokens a request may use on this device, and how much the prefix cache may keep, decided from what a
// token costs and what memory is left once the weights are in. The trained context (128K for LFM2.5-8B-A1B) is an
// upper bound, not a plan: on WASM a 100K-token prompt would not fit beside the weights in 4 GiB.
import type { Lfm2Config } from '../model/config';
import { PREFILL_CHUNK } from './generation';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** WebAssembly's 32-bit address space: everything ORT's WASM backend holds lives in it. */
export const WASM_ADDRESS_BYTES = 4 * GiB;
/** ORT's own runtime, kernels and scratch beside the weights (measured: ~300 MB for the 1.2B in a fresh document). */
export const RUNTIME_BYTES = 384 * MiB;
/**
 * The engine takes at most half of the memory the browser reports. Browsers round the figure down and cap it (at
 * 8 GiB for years; Chromium 156 here reports 16 of 24), so a report at the cap may mean more. On the CPU, where the
 * weights and caches live in the browser's own memory, the report is taken at its word (a laptop that says 8 must
 * not be asked for more); on a GPU, whose memory no browser reports, only less than 8 binds.
 */
const DEVICE_SHARE = 0.5;
const REPORTED_CAP_GIB = 8;
/**
 * Float32 buffers of one KV head's scores alive at once in the WASM graph's attention (MatMul, Add, Softmax: the
 * product is freed only once the sum exists), besides the causal bias they share (one more). Measured in
 * onnxruntime-web at 8K of context: a 256-token run's peak over a 64-token run's matches three [groups * 256, total]
 * buffers.
 */
const SCORE_BUFFERS = 3;
/** Contexts are planned in steps of this many tokens, never below the smallest the summaries plan for. */
const STEP = 256;
export const MIN_CONTEXT_TOKENS = 2048;

export interface ContextPlanInput {
  config: Pick<Lfm2Config, 'layerTypes' | 'numHeads' | 'numKvHeads' | 'headDim' | 'hiddenSize' | 'convLCache' | 'vocabSize' | 'intermediateSize' | 'maxPositionEmbeddings'>;
  backend: 'wasm' | 'webgpu';
  /** Bytes per element of the cache tensors the graph takes (4 for float32, 2 for float16). */
  stateElementBytes: number;
  /** Bytes the weights take once loaded (the stored graph's data). */
  weightBytes: number;
  /** navigator.deviceMemory in GiB, where the browser tells it. */
  deviceMemoryGiB?: number;
  /** WebGPU: the largest buffer one tensor may have (maxStorageBufferBindingSize). */
  maxBindingBytes?: number;
  /** Rows of logits a run returns: 1 where the graph computes the last position's only (the WASM export). */
  logitsRows: number;
}

export interface ContextPlan {
  /** The most tokens one request (prompt and answer) may take here. */
  contextTokens: number;
  /** The bytes one token of context costs in the attention layers' caches. */
  kvBytesPerToken: number;
  /** What the prefix cache may keep, in bytes of cache tensors. */
  prefixCacheBytes: number;
  /**
   * The memory a request at `tokens` tokens takes at its peak beyond the weights, its own entries in the prefix
   * cache included: what the plan is checked against (bench: engine.context_peak_memory_ratio).
   */
  requestBytes(tokens: number): number;
  /** What bounds the context, for the hardware panel and the bench. */
  limitedBy: 'trained-context' | 'memory' | 'address-space' | 'buffer-size';
}

export function kvBytesPerToken(config: ContextPlanInput['config'], elementBytes: number): number {
  const attentionLayers = config.layerTypes.filter((type) => type === 'full_attention').length;
  return attentionLayers * 2 * config.numKvHeads * config.headDim * elementBytes;
}

/** Where a request's memory lives: in the backend (WASM's heap, or the GPU) and in JavaScript beside it. */
interface RequestCost {
  /** Per token of context, and fixed, in the backend's memory (on WASM: inside the 4 GiB address space). */
  backendPerToken: number;
  backendFixed: number;
  /** Per token of context, and fixed, in JavaScript's heap. */
  hostPerToken: number;
  hostFixed: number;
}

/**
 * What a request costs, measured in onnxruntime-web (.cache/scratch/mem-at-length.ts, mem-sequence.ts): on WASM a
 * run copies the past caches from JavaScript into the heap and writes the present ones there, whose copies then come
 * back out to JavaScript beside the past ones: the caches four times over during a run, two of them in the heap. On
 * WebGPU the caches stay on the GPU (past and present during a run) and only the logits come back. Either way the
 * request's own prefix-cache entries (the page's boundary, the finished answer) may keep one more copy, and one
 * run's activations and logits are the workspace, with, on WASM, the attention scores of one KV head (lfm2-graph.ts
 * matMulAttention); WebGPU's GroupQueryAttention prefills with flash attention, which keeps no scores.
 */
function requestCost(input: ContextPlanInput): RequestCost {
  const { config, stateElementBytes, backend } = input;
  const kv = kvBytesPerToken(config, stateElementBytes);
  const attentionLayers = config.layerTypes.filter((type) => type === 'full_attention').length;
  const conv = 2 * (config.layerTypes.length - attentionLayers) * config.hiddenSize * config.convLCache * stateElementBytes;
  const groups = config.numHeads / config.numKvHeads;
  // Prompts are fed PREFILL_CHUNK tokens a run: one run's scores and activations are the workspace.
  const scores = backend === 'wasm' && attentionLayers > 0 ? (SCORE_BUFFERS + 1) * groups * PREFILL_CHUNK * 4 : 0;
  const logits = input.logitsRows * config.vocabSize * 4;
  const activations = PREFILL_CHUNK * (4 * config.hiddenSize + 2 * config.intermediateSize) * 4;
  if (backend === 'wasm') return { backendPerToken: 2 * kv + scores, backendFixed: conv + activations + logits, hostPerToken: 3 * kv, hostFixed: conv + logits };
  return { backendPerToken: 3 * kv + scores, backendFixed: conv + activations + logits, hostPerToken: 0, hostFixed: logits };
}

const bytesAt = (cost: RequestCost, tokens: number) => cost.backendFixed + cost.hostFixed + tokens * (cost.backendPerToken + cost.hostPerToken);

export function planContext(input: ContextPlanInput): ContextPlan {
  const perToken = kvBytesPerToken(input.config, input.stateElementBytes);
  const cost = requestCost(input);
  const reported = input.deviceMemoryGiB;
  const binds = reported !== undefined && (input.backend === 'wasm' || reported < REPORTED_CAP_GIB);
  const device = binds ? reported * GiB * DEVICE_SHARE : Number.POSITIVE_INFINITY;
  // Everything the request takes counts against the device; on WASM its heap part must also fit the address space.
  const byDevice = Math.floor((device - input.weightBytes - RUNTIME_BYTES - bytesAt(cost, 0)) / (cost.backendPerToken + cost.hostPerToken));
  const byAddress =
    input.backend === 'wasm' ? Math.floor((WASM_ADDRESS_BYTES - input.weightBytes - RUNTIME_BYTES - cost.backendFixed) / cost.backendPerToken) : Number.POSITIVE_INFINITY;
  // On WebGPU each layer's key or value cache is one buffer: [1, kv heads, tokens, head dim].
  const perLayerToken = input.config.numKvHeads * input.config.headDim * input.stateElementBytes;
  const byBuffer = input.maxBindingBytes !== undefined ? Math.floor(input.maxBindingBytes / perLayerToken) : Number.POSITIVE_INFINITY;
  const trained = input.config.maxPositionEmbeddings;
  const limit = Math.min(trained, byDevice, byAddress, byBuffer);
  const contextTokens = Math.max(MIN_CONTEXT_TOKENS, limit === trained ? trained : Math.floor(limit / STEP) * STEP);
  const limitedBy = limit === trained ? 'trained-context' : limit === byBuffer ? 'buffer-size' : limit === byAddress ? 'address-space' : 'memory';
  return {
    contextTokens,
    kvBytesPerToken: perToken,
    // The prefix cache keeps at most one planned context's caches (its share is in the per-token costs above).
    prefixCacheBytes: contextTokens * perToken,
    requestBytes: (tokens) => bytesAt(cost, tokens),
    limitedBy,
  };
}
