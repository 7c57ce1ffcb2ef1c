// Checkpoint folder → transformers.js layout: config.json, generation_config.json, tokenizer files and
// onnx/model_<dtype>.onnx with chunked external data.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '../../src/model/config';
import { buildLfm2Graph } from '../../src/model/export/lfm2-graph';
import type { ExportDtype } from '../../src/model/export-dtype';
import { encodeGraph } from '../../src/model/onnx/graph-builder';
import { CheckpointReader } from './checkpoint-reader';
import { ChunkedDataSink, DEFAULT_CHUNK_BYTES } from './chunked-data-sink';

/**
 * gpu: MatMulNBits at accuracy_level 0, QMoE one row at a time (WebGPU). cpu: accuracy_level 4 (native ORT).
 * wasm: the extension's CPU path, int8 MatMulInteger (dtype int8) with logits for the last position only.
 */
export type ExportTarget = 'gpu' | 'cpu' | 'wasm';

export interface ExportRequest {
  checkpoint: string;
  out: string;
  dtype: ExportDtype;
  target?: ExportTarget;
  chunkBytes?: number;
}

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja'];

export function exportCheckpoint(request: ExportRequest): { modelFile: string; dataFiles: string[] } {
  const configPath = join(request.checkpoint, 'config.json');
  if (!existsSync(configPath)) throw new ConfigError(`${request.checkpoint}: no config.json`);
  const raw = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  const config = parseConfig(raw);
  if (request.dtype === 'fp32' && config.moe) {
    throw new ConfigError('fp32 export of lfm2_moe is not supported: experts are exported as QMoE (int4); the float MoE op has no WebGPU kernel');
  }
  if ((request.target === 'wasm') !== (request.dtype === 'int8')) throw new ConfigError('--target wasm goes with --dtype int8, and int8 with --target wasm');
  if (request.dtype === 'int8' && config.moe) throw new ConfigError('int8 export of lfm2_moe is not supported: MoE models need WebGPU (WASM memory stops at 4 GB)');
  const reader = new CheckpointReader(request.checkpoint);
  mkdirSync(join(request.out, 'onnx'), { recursive: true });
  const modelName = `model_${request.dtype}.onnx`;
  const sink = new ChunkedDataSink(join(request.out, 'onnx'), `${modelName}_data`, request.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  try {
    const cpu = request.target === 'cpu';
    const wasm = request.target === 'wasm';
    const graph = buildLfm2Graph(config, reader, sink, { dtype: request.dtype, accuracyLevel: cpu ? 4 : 0, qmoeOneRowAtATime: !cpu && !wasm, logits: wasm ? 'last' : 'all' });
    writeFileSync(join(request.out, 'onnx', modelName), encodeGraph(graph));
  } finally {
    sink.close();
  }
  // transformers.js reads layer_types to name the caches, and learns how many external data chunks each
  // model file has from transformers.js_config.use_external_data_format (kept across dtypes exported here).
  const outConfig = join(request.out, 'config.json');
  const previous = existsSync(outConfig) ? (JSON.parse(readFileSync(outConfig, 'utf8')) as Record<string, Record<string, Record<string, number>>>) : {};
  const chunks = { ...previous['transformers.js_config']?.use_external_data_format, [modelName]: sink.files.length };
  writeFileSync(outConfig, JSON.stringify({ ...raw, layer_types: config.layerTypes, 'transformers.js_config': { use_external_data_format: chunks } }, null, 2));
  const generation = join(request.checkpoint, 'generation_config.json');
  if (existsSync(generation)) copyFileSync(generation, join(request.out, 'generation_config.json'));
  else writeFileSync(join(request.out, 'generation_config.json'), JSON.stringify({ bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenId, pad_token_id: config.padTokenId }, null, 2));
  for (const f of TOKENIZER_FILES) if (existsSync(join(request.checkpoint, f))) copyFileSync(join(request.checkpoint, f), join(request.out, f));
  return { modelFile: join(request.out, 'onnx', modelName), dataFiles: sink.files.map((f) => join(request.out, 'onnx', f)) };
}
