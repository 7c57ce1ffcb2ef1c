// Hugging Face config.json contents for the generated checkpoints. Full-size numbers follow the published
// LFM2.5-1.2B (16 layers: 10 conv + 6 attention at 2, 5, 8, 10, 12, 14; block_ff_dim 12288 auto-adjusted to
// 8192), LFM2.5-350M (the same layer pattern at hidden 1,024 with 16 query and 8 KV heads; block_ff_dim 6,656
// auto-adjusted to 4,608) and LFM2-8B-A1B (configuration_lfm2_moe.py defaults; attention at 2, 6, 10, 14, 18, 21).
// Checked against the model cards (huggingface.co/LiquidAI/LFM2.5-1.2B-Instruct: vocabulary 65,536, 16 layers =
// 10 conv + 6 GQA; huggingface.co/LiquidAI/LFM2.5-8B-A1B: vocabulary 128,000, 24 layers = 18 conv + 6 GQA,
// context 128,000, which vLLM's recipe gives as max_position_embeddings 128000). Not checked, for want of the
// config.json files here: the 1.2B's max_position_embeddings (its card says a 32,768 context).
const attentionAt = (layers: number, at: number[]) => Array.from({ length: layers }, (_, i) => (at.includes(i) ? 'full_attention' : 'conv'));

const common = { bos_token_id: 1, eos_token_id: 7, pad_token_id: 0, conv_L_cache: 3, conv_bias: false, norm_eps: 1e-5, rope_theta: 1_000_000, tie_word_embeddings: true };

export const PRESETS = {
  'tiny-dense': {
    ...common, model_type: 'lfm2', architectures: ['Lfm2ForCausalLM'], vocab_size: 512, hidden_size: 64, num_hidden_layers: 6,
    num_attention_heads: 4, num_key_value_heads: 2, layer_types: attentionAt(6, [2, 5]), max_position_embeddings: 2048,
    // 2/3 of 192 is 128, already a multiple of 32: exercises the auto-adjust rule without changing size.
    block_ff_dim: 192, intermediate_size: 192, block_auto_adjust_ff_dim: true, block_ffn_dim_multiplier: 1.0, block_multiple_of: 32,
  },
  'tiny-moe': {
    ...common, model_type: 'lfm2_moe', architectures: ['Lfm2MoeForCausalLM'], vocab_size: 512, hidden_size: 64, num_hidden_layers: 6,
    num_attention_heads: 4, num_key_value_heads: 2, layer_types: attentionAt(6, [2, 4]), max_position_embeddings: 2048,
    intermediate_size: 128, moe_intermediate_size: 64, num_dense_layers: 2, num_experts: 8, num_experts_per_tok: 4,
    use_expert_bias: true, norm_topk_prob: true, routed_scaling_factor: 1.0,
  },
  'lfm2.5-1.2b': {
    ...common, model_type: 'lfm2', architectures: ['Lfm2ForCausalLM'], vocab_size: 65536, hidden_size: 2048, num_hidden_layers: 16,
    num_attention_heads: 32, num_key_value_heads: 8, layer_types: attentionAt(16, [2, 5, 8, 10, 12, 14]), max_position_embeddings: 128000,
    block_ff_dim: 12288, intermediate_size: 12288, block_auto_adjust_ff_dim: true, block_ffn_dim_multiplier: 1.0, block_multiple_of: 256,
  },
  'lfm2.5-350m': {
    ...common, model_type: 'lfm2', architectures: ['Lfm2ForCausalLM'], vocab_size: 65536, hidden_size: 1024, num_hidden_layers: 16,
    num_attention_heads: 16, num_key_value_heads: 8, layer_types: attentionAt(16, [2, 5, 8, 10, 12, 14]), max_position_embeddings: 128000,
    block_ff_dim: 6656, intermediate_size: 6656, block_auto_adjust_ff_dim: true, block_ffn_dim_multiplier: 1.0, block_multiple_of: 256,
  },
  'lfm2.5-8b-a1b': {
    ...common, model_type: 'lfm2_moe', architectures: ['Lfm2MoeForCausalLM'], vocab_size: 128000, hidden_size: 2048, num_hidden_layers: 24,
    num_attention_heads: 32, num_key_value_heads: 8, layer_types: attentionAt(24, [2, 6, 10, 14, 18, 21]), max_position_embeddings: 128000,
    intermediate_size: 7168, moe_intermediate_size: 1792, num_dense_layers: 2, num_experts: 32, num_experts_per_tok: 4,
    use_expert_bias: true, norm_topk_prob: true, routed_scaling_factor: 1.0,
  },
} as const;

export type PresetName = keyof typeof PRESETS;
