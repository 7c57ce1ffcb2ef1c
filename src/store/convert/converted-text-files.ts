import type { Lfm2Config } from '../../model/config';
import type { ExportLayout } from '../../model/export/export-run';
import { parseJson } from './conversion-plan';

/** The checkpoint's small files the converted model's own are made from, fetched and checked while planning. */
export interface TextSources {
  generationConfig: Uint8Array | undefined;
  tokenizerConfig: Uint8Array;
  chatTemplate: Uint8Array | undefined;
}

interface Planned {
  rawConfig: Record<string, unknown>;
  config: Lfm2Config;
  graphPath: string;
  layout: ExportLayout;
  texts: TextSources;
}

/**
 * The small files of the converted model: config.json with what transformers.js reads of an export (the layer
 * types naming the caches, how many external data files the graph has), generation_config.json (made from the
 * config's token ids when the checkpoint has none), tokenizer.json as published, and tokenizer_config.json holding
 * the chat template, which newer repositories ship as chat_template.jinja (transformers 5 prefers that file over
 * the template in tokenizer_config.json, so it wins here too). The Node exporter writes the same bytes.
 */
export function textOutputs(plan: Planned, tokenizer: Uint8Array): Array<{ path: string; bytes: Uint8Array }> {
  const { config, texts } = plan;
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2));
  const graphName = plan.graphPath.slice('onnx/'.length);
  const outConfig = { ...plan.rawConfig, layer_types: config.layerTypes, 'transformers.js_config': { use_external_data_format: { [graphName]: plan.layout.dataFiles.length } } };
  const generation = texts.generationConfig ?? encode({ bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenId, pad_token_id: config.padTokenId });
  return [
    { path: 'config.json', bytes: encode(outConfig) },
    { path: 'generation_config.json', bytes: generation },
    { path: 'tokenizer.json', bytes: tokenizer },
    { path: 'tokenizer_config.json', bytes: tokenizerConfigWithTemplate(texts.tokenizerConfig, texts.chatTemplate) },
  ];
}

/**
 * tokenizer_config.json as a converted model keeps it: holding chat_template.jinja's text as its chat_template
 * where the checkpoint ships that file (the engine reads the template from tokenizer_config.json), else as published.
 */
export function tokenizerConfigWithTemplate(tokenizerConfig: Uint8Array, chatTemplate: Uint8Array | undefined): Uint8Array {
  if (!chatTemplate) return tokenizerConfig;
  const merged = { ...parseJson(tokenizerConfig, 'tokenizer_config.json'), chat_template: new TextDecoder().decode(chatTemplate) };
  return new TextEncoder().encode(JSON.stringify(merged, null, 2));
}
