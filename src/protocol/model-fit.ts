import * as v from 'valibot';

/**
 * What the engine runs on and why a model does or does not fit this device. Defined once here: the engine's
 * fit rules, the store's model list, the host's hardware report and the options page all use these.
 */
/** The CPU runs everywhere, so it comes first (the model forms offer it as the default). */
export const BACKENDS = ['wasm', 'webgpu'] as const;
export const BackendSchema = v.picklist(BACKENDS);
export type Backend = v.InferOutput<typeof BackendSchema>;

/** Graphs the engine can run: 4-bit MatMulNBits (WebGPU), per-token int8 MatMulInteger or float32 MatMul (WASM). */
export const ENGINE_DTYPES = ['q4f16', 'q4', 'int8', 'fp32'] as const;
export const EngineDtypeSchema = v.picklist(ENGINE_DTYPES);
export type EngineDtype = v.InferOutput<typeof EngineDtypeSchema>;

/** Why a model was taken or passed over; the UI has one message per code. */
export const CHOICE_REASONS = [
  'webgpu-no-api',
  'webgpu-no-adapter',
  'webgpu-request-failed',
  'webgpu-software',
  'webgpu-buffer-limit',
  'webgpu-no-f16',
  'memory-low',
  'wasm-memory-limit',
  'wasm-single-thread',
  'chosen',
] as const;
export const ChoiceReasonSchema = v.picklist(CHOICE_REASONS);
export type ChoiceReason = v.InferOutput<typeof ChoiceReasonSchema>;

/** A model as the fit rules see it: where it runs and what it needs there. */
export const ModelCandidateSchema = v.object({
  modelId: v.string(),
  backend: BackendSchema,
  dtype: EngineDtypeSchema,
  /** Bytes of weights the backend must hold (weights with their scales, embeddings included). */
  weightBytes: v.number(),
  /** The largest single weight buffer: must fit the adapter's binding limit (0 when unknown). */
  largestBufferBytes: v.number(),
});
export type ModelCandidate = v.InferOutput<typeof ModelCandidateSchema>;

/** What this machine offers the engine (engine/capability-probe.ts measures it). */
export const WEBGPU_UNAVAILABLE = ['no-api', 'no-adapter', 'request-failed'] as const;
export const CapabilitiesSchema = v.object({
  webgpu: v.union([
    v.object({
      adapter: v.string(),
      maxBufferSize: v.number(),
      maxStorageBufferBindingSize: v.number(),
      shaderF16: v.boolean(),
      /** A software adapter (SwiftShader): it runs WebGPU on the CPU. */
      software: v.boolean(),
    }),
    v.object({ unavailable: v.picklist(WEBGPU_UNAVAILABLE) }),
  ]),
  /** navigator.deviceMemory (GiB, rounded and capped at 8 by browsers); undefined where not exposed. */
  deviceMemoryGiB: v.optional(v.number()),
  crossOriginIsolated: v.boolean(),
  cores: v.number(),
});
export type Capabilities = v.InferOutput<typeof CapabilitiesSchema>;
export type WebGpuUnavailable = (typeof WEBGPU_UNAVAILABLE)[number];

/** One graph of one model judged on this device: whether it runs, and the memory it needs while it does. */
export const ModelVerdictSchema = v.object({
  candidate: ModelCandidateSchema,
  reason: v.optional(ChoiceReasonSchema),
  memoryBytes: v.number(),
});
export type ModelVerdict = v.InferOutput<typeof ModelVerdictSchema>;

export const ModelChoiceSchema = v.object({
  ok: v.boolean(),
  candidate: v.optional(ModelCandidateSchema),
  threads: v.optional(v.number()),
  reasons: v.array(v.object({ candidate: ModelCandidateSchema, reason: ChoiceReasonSchema })),
});
