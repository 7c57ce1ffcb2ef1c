// config.json is read before the user agrees to a download, from any repository a user names: sizes that would
// make planning alone build millions of graph nodes, or a graph of terabytes, are refused with the key named.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/model/config';
import { PRESETS } from '../../../scripts/export/presets';

const with_ = (preset: keyof typeof PRESETS, changes: Record<string, unknown>) => () => parseConfig({ ...structuredClone(PRESETS[preset]), ...changes } as Record<string, unknown>);

describe('config.json bounds', () => {
  it('reads every preset, the full-size ones included', () => {
    for (const preset of Object.keys(PRESETS) as (keyof typeof PRESETS)[]) expect(with_(preset, {})).not.toThrow();
  });

  it('refuses sizes no LFM2 checkpoint has, naming the key', () => {
    expect(with_('tiny-dense', { num_hidden_layers: 5_000_000, layer_types: undefined })).toThrow(/"num_hidden_layers" is 5000000; Pagewise reads LFM2 checkpoints up to 256/);
    expect(with_('tiny-dense', { hidden_size: 1 << 20 })).toThrow(/"hidden_size"/);
    expect(with_('tiny-dense', { vocab_size: 1e9 })).toThrow(/"vocab_size"/);
    expect(with_('tiny-dense', { max_position_embeddings: 1e9 })).toThrow(/"max_position_embeddings"/);
    expect(with_('tiny-moe', { num_experts: 10_000_000 })).toThrow(/"num_experts"/);
    expect(with_('tiny-moe', { num_hidden_layers: 256, layer_types: undefined, num_experts: 1024 })).toThrow(/experts in all/);
  });

  it('refuses zero where a division or a loop needs at least one', () => {
    expect(with_('tiny-dense', { num_attention_heads: 0 })).toThrow(ConfigError);
    expect(with_('tiny-dense', { block_multiple_of: 0 })).toThrow(/"block_multiple_of" must be an integer of at least 1/);
    expect(with_('tiny-moe', { num_dense_layers: 7 })).toThrow(/"num_dense_layers" is 7/);
  });
});
