// LFM2 / LFM2-MoE configuration as both the exporter and the engine need it, parsed from a Hugging Face
// config.json. Field meanings follow transformers' configuration_lfm2.py and configuration_lfm2_moe.py.

export type LayerType = 'conv' | 'full_attention';

export interface MoeConfig {
  /** Layers below this index keep a dense MLP; the rest are sparse (modeling_lfm2_moe.py, Lfm2MoeDecoderLayer). */
  numDenseLayers: number;
  numExperts: number;
  numExpertsPerToken: number;
  moeIntermediateSize: number;
  /** The bias only changes which experts are chosen, never their weights (Lfm2MoeSparseMoeBlock.route_tokens_to_experts). */
  useExpertBias: boolean;
  normTopkProb: boolean;
  routedScalingFactor: number;
}

export interface Lfm2Config {
  modelType: 'lfm2' | 'lfm2_moe';
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  layerTypes: LayerType[];
  convLCache: number;
  convBias: boolean;
  normEps: number;
  ropeTheta: number;
  maxPositionEmbeddings: number;
  /** The dense MLP width after LFM2's block_auto_adjust_ff_dim rule, i.e. the real w1/w3 row count. */
  intermediateSize: number;
  tieWordEmbeddings: boolean;
  moe?: MoeConfig;
  bosTokenId: number;
  eosTokenId: number | number[];
  padTokenId: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Json = Record<string, unknown>;

function num(raw: Json, key: string, fallback?: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(`config.json: "${key}" must be a number, got ${JSON.stringify(raw[key])}`);
  }
  return value;
}

/**
 * Bounds on sizes, far above any LFM2 checkpoint (the 8B: hidden 2,048, 24 layers, 32 experts, vocabulary 128,000)
 * and far below what would make planning alone build millions of nodes or a graph of terabytes: the config is read
 * before the user agrees to anything, from a repository anyone can name.
 */
const LIMITS = {
  hidden_size: 16_384, num_hidden_layers: 256, num_attention_heads: 256, num_key_value_heads: 256, head_dim: 1024,
  vocab_size: 1_048_576, conv_L_cache: 64, max_position_embeddings: 1_048_576, intermediate: 262_144, block_multiple_of: 65_536,
  num_experts: 1024, moe_intermediate_size: 65_536, token_id: 1_048_576,
} as const;

/** Experts over all layers (the 8B: 22 × 32 = 704); each is several tensors the plan lists one by one. */
const MAX_EXPERTS_IN_ALL = 65_536;

function int(raw: Json, key: string, fallback?: number, range: { min?: number; max?: number } = {}): number {
  const value = num(raw, key, fallback);
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = range;
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`config.json: "${key}" must be an integer of at least ${min}, got ${value}`);
  if (value > max) throw new ConfigError(`config.json: "${key}" is ${value}; Pagewise reads LFM2 checkpoints up to ${max}`);
  return value;
}

function bool(raw: Json, key: string, fallback: boolean): boolean {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'boolean') throw new ConfigError(`config.json: "${key}" must be true or false`);
  return value;
}

/** LFM2's dense MLP width rule (modeling_lfm2.py, Lfm2MLP.__init__). */
function adjustedFeedForwardSize(raw: Json, base: number): number {
  if (!bool(raw, 'block_auto_adjust_ff_dim', true)) return base;
  let size = Math.trunc((2 * base) / 3);
  const multiplier = raw.block_ffn_dim_multiplier ?? 1.0;
  if (multiplier !== null) {
    if (typeof multiplier !== 'number') throw new ConfigError('config.json: "block_ffn_dim_multiplier" must be a number or null');
    const multipleOf = int(raw, 'block_multiple_of', 256, { min: 1, max: LIMITS.block_multiple_of });
    size = Math.trunc(multiplier * size);
    size = multipleOf * Math.ceil(size / multipleOf);
  }
  return size;
}

function layerTypesOf(raw: Json, numLayers: number): LayerType[] {
  if (Array.isArray(raw.layer_types)) {
    const types = raw.layer_types as unknown[];
    if (types.length !== numLayers) {
      throw new ConfigError(`config.json: layer_types has ${types.length} entries but num_hidden_layers is ${numLayers}`);
    }
    return types.map((t, i) => {
      if (t !== 'conv' && t !== 'full_attention') throw new ConfigError(`config.json: layer_types[${i}] is "${String(t)}", expected "conv" or "full_attention"`);
      return t;
    });
  }
  // Older LFM2 configs list attention layers only; every other layer is a short convolution (configuration_lfm2.py).
  const indices = Array.isArray(raw.full_attn_idxs) ? (raw.full_attn_idxs as number[]) : [...Array(numLayers).keys()];
  return Array.from({ length: numLayers }, (_, i) => (indices.includes(i) ? 'full_attention' : 'conv'));
}

export function parseConfig(raw: Json): Lfm2Config {
  const modelType = raw.model_type;
  if (modelType !== 'lfm2' && modelType !== 'lfm2_moe') {
    throw new ConfigError(`config.json: unknown model_type "${String(modelType).slice(0, 40)}". Pagewise converts LFM2 checkpoints (model_type "lfm2" or "lfm2_moe").`);
  }
  const hiddenSize = int(raw, 'hidden_size', undefined, { min: 1, max: LIMITS.hidden_size });
  const numLayers = int(raw, 'num_hidden_layers', undefined, { min: 1, max: LIMITS.num_hidden_layers });
  const numHeads = int(raw, 'num_attention_heads', undefined, { min: 1, max: LIMITS.num_attention_heads });
  const numKvHeads = int(raw, 'num_key_value_heads', numHeads, { min: 1, max: LIMITS.num_key_value_heads });
  const headDim = int(raw, 'head_dim', Math.trunc(hiddenSize / numHeads), { min: 1, max: LIMITS.head_dim });
  if (numHeads % numKvHeads !== 0) throw new ConfigError(`config.json: num_attention_heads ${numHeads} is not a multiple of num_key_value_heads ${numKvHeads}`);
  const rope = (raw.rope_parameters ?? raw.rope_scaling) as Json | undefined;
  const ropeType = rope && (rope.rope_type ?? rope.type);
  if (ropeType !== undefined && ropeType !== 'default') throw new ConfigError(`config.json: rope type "${String(ropeType)}" is not supported`);
  const ropeTheta = num(rope && typeof rope.rope_theta === 'number' ? rope : raw, 'rope_theta', typeof raw.theta === 'number' ? raw.theta : 1_000_000);
  // Lfm2Config reads block_ff_dim first "to fit original config keys".
  const baseFf = int(raw, 'block_ff_dim' in raw ? 'block_ff_dim' : 'intermediate_size', undefined, { min: 1, max: LIMITS.intermediate });
  const config: Lfm2Config = {
    modelType,
    vocabSize: int(raw, 'vocab_size', undefined, { min: 1, max: LIMITS.vocab_size }),
    hiddenSize,
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    layerTypes: layerTypesOf(raw, numLayers),
    convLCache: int(raw, 'conv_L_cache', 3, { min: 1, max: LIMITS.conv_L_cache }),
    convBias: bool(raw, 'conv_bias', false),
    normEps: num(raw, 'norm_eps', 1e-5),
    ropeTheta,
    maxPositionEmbeddings: int(raw, 'max_position_embeddings', 128_000, { min: 1, max: LIMITS.max_position_embeddings }),
    // Lfm2MoeMLP uses intermediate_size as is; only the dense lfm2 MLP applies the auto-adjust rule.
    intermediateSize: modelType === 'lfm2' ? adjustedFeedForwardSize(raw, baseFf) : baseFf,
    tieWordEmbeddings: bool(raw, 'tie_word_embeddings', bool(raw, 'tie_embedding', true)),
    bosTokenId: int(raw, 'bos_token_id', 1, { max: LIMITS.token_id }),
    eosTokenId: (raw.eos_token_id as number | number[] | undefined) ?? 2,
    padTokenId: int(raw, 'pad_token_id', 0, { max: LIMITS.token_id }),
  };
  if (modelType === 'lfm2_moe') {
    config.moe = {
      numDenseLayers: int(raw, 'num_dense_layers', 2, { max: numLayers }),
      numExperts: int(raw, 'num_experts', 32, { min: 1, max: LIMITS.num_experts }),
      numExpertsPerToken: int(raw, 'num_experts_per_tok', 4, { min: 1 }),
      moeIntermediateSize: int(raw, 'moe_intermediate_size', 1792, { min: 1, max: LIMITS.moe_intermediate_size }),
      useExpertBias: bool(raw, 'use_expert_bias', true),
      normTopkProb: bool(raw, 'norm_topk_prob', true),
      routedScalingFactor: num(raw, 'routed_scaling_factor', 1.0),
    };
    if (config.moe.numExpertsPerToken > config.moe.numExperts) {
      throw new ConfigError(`config.json: num_experts_per_tok ${config.moe.numExpertsPerToken} exceeds num_experts ${config.moe.numExperts}`);
    }
    const expertLayers = config.numLayers - config.moe.numDenseLayers;
    if (expertLayers * config.moe.numExperts > MAX_EXPERTS_IN_ALL) {
      throw new ConfigError(`config.json: ${expertLayers} layers of ${config.moe.numExperts} experts; Pagewise reads checkpoints of up to ${MAX_EXPERTS_IN_ALL} experts in all`);
    }
  }
  return config;
}

export function isMoeLayer(config: Lfm2Config, layer: number): boolean {
  return config.moe !== undefined && layer >= config.moe.numDenseLayers;
}
