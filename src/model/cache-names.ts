// Names of the graph's inputs and outputs, the one truth shared by the exporter and the engine. They match
// what transformers.js feeds lfm2 models (getCacheNames: past_key_values.{i}.key|value, past_conv.{i}).
import type { Lfm2Config } from './config';

export const INPUT_IDS = 'input_ids';
export const ATTENTION_MASK = 'attention_mask';
export const POSITION_IDS = 'position_ids';
export const LOGITS = 'logits';

export interface LayerCacheNames {
  layer: number;
  kind: 'conv' | 'full_attention';
  /** Graph inputs for this layer's state, in order: [key, value] or [conv]. */
  past: string[];
  /** Graph outputs, paired one to one with `past`. */
  present: string[];
}

export function layerCacheNames(config: Lfm2Config): LayerCacheNames[] {
  return config.layerTypes.map((kind, layer) =>
    kind === 'full_attention'
      ? { layer, kind, past: [`past_key_values.${layer}.key`, `past_key_values.${layer}.value`], present: [`present.${layer}.key`, `present.${layer}.value`] }
      : { layer, kind, past: [`past_conv.${layer}`], present: [`present_conv.${layer}`] },
  );
}

/** Shapes of the state tensors for a given batch and past length: KV caches are BNSH, conv states [batch, hidden, L_cache]. */
export function pastShape(config: Lfm2Config, kind: LayerCacheNames['kind'], batch: number, pastLength: number): number[] {
  return kind === 'full_attention' ? [batch, config.numKvHeads, pastLength, config.headDim] : [batch, config.hiddenSize, config.convLCache];
}
