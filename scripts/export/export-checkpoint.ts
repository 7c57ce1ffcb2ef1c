// Checkpoint folder → transformers.js layout: config.json, generation_config.json, tokenizer files and
// onnx/model_<dtype>.onnx with chunked external data. The same plan and jobs as the browser's converter
// (src/model/export/), reading each checkpoint tensor once, in the order the files store them.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointFeeds } from '../../src/model/checkpoint-feeds';
import { ConfigError, parseConfig } from '../../src/model/config';
import { exportOptions, type ExportTarget } from '../../src/model/export/export-options';
import { DATA_FILE_BYTES, ExportRun, layoutExport, type PlacedBytes } from '../../src/model/export/export-run';
import { buildLfm2Graph } from '../../src/model/export/lfm2-graph';
import type { ExportDtype } from '../../src/model/export-dtype';
import { encodeGraph } from '../../src/model/onnx/graph-builder';
import { CheckpointReader, checkpointFiles, readText, type CheckpointFiles } from './checkpoint-reader';
import { tokenizerConfigWithTemplate } from '../../src/store/convert/converted-text-files';

export type { ExportTarget };

export interface ExportRequest {
  /** A checkpoint folder, or files from elsewhere (a virtual checkpoint). */
  checkpoint: string | CheckpointFiles;
  out: string;
  dtype: ExportDtype;
  target?: ExportTarget;
  chunkBytes?: number;
}

/** Copied as published; tokenizer_config.json is written with chat_template.jinja folded in, as the browser's converter does. */
const TOKENIZER_FILES = ['tokenizer.json', 'special_tokens_map.json'];

export function exportCheckpoint(request: ExportRequest): { modelFile: string; dataFiles: string[] } {
  const source = checkpointFiles(request.checkpoint);
  if (!source.has('config.json')) throw new ConfigError(`${source.name}: no config.json`);
  const raw = JSON.parse(readText(source, 'config.json')) as Record<string, unknown>;
  const config = parseConfig(raw);
  const options = exportOptions(config, request.dtype, request.target ?? 'gpu');
  const reader = new CheckpointReader(source);
  const { graph, jobs } = buildLfm2Graph(config, options);
  const feeds = checkpointFeeds(config, reader.stored, jobs.flatMap((job) => job.inputs));
  const modelName = `model_${request.dtype}.onnx`;
  const layout = layoutExport(jobs, feeds.position, `${modelName}_data`, request.chunkBytes ?? DATA_FILE_BYTES);
  const onnx = join(request.out, 'onnx');
  mkdirSync(onnx, { recursive: true });
  writeFileSync(join(onnx, modelName), encodeGraph(graph));

  const files = new Map(layout.dataFiles.map((file) => [file.name, { fd: openSync(join(onnx, file.name), 'w'), written: 0 }]));
  const write = (placed: PlacedBytes[]) => {
    for (const { output, bytes } of placed) {
      const file = files.get(output.external.location)!;
      if (file.written !== output.external.offset) throw new Error(`${output.name} was planned at ${output.external.offset}, the file is at ${file.written}`);
      for (let done = 0; done < bytes.length; ) done += writeSync(file.fd, bytes, done, bytes.length - done);
      file.written += bytes.length;
    }
  };
  try {
    const run = new ExportRun(layout);
    write(run.start());
    for (const index of [...feeds.used].sort((a, b) => a - b)) write(run.feed(feeds.inputs(index, reader.readStored(index))));
    if (run.jobsDone !== layout.jobs.length) throw new Error(`${layout.jobs.length - run.jobsDone} export jobs never got all their tensors`);
  } finally {
    for (const { fd } of files.values()) closeSync(fd);
  }

  // transformers.js reads layer_types to name the caches, and learns how many external data chunks each
  // model file has from transformers.js_config.use_external_data_format (kept across dtypes exported here).
  const outConfig = join(request.out, 'config.json');
  const previous = existsSync(outConfig) ? (JSON.parse(readFileSync(outConfig, 'utf8')) as Record<string, Record<string, Record<string, number>>>) : {};
  const chunks = { ...previous['transformers.js_config']?.use_external_data_format, [modelName]: layout.dataFiles.length };
  writeFileSync(outConfig, JSON.stringify({ ...raw, layer_types: config.layerTypes, 'transformers.js_config': { use_external_data_format: chunks } }, null, 2));
  const read = (path: string) => source.read(path, 0, source.size(path));
  const copy = (path: string) => writeFileSync(join(request.out, path), read(path));
  if (source.has('generation_config.json')) copy('generation_config.json');
  else writeFileSync(join(request.out, 'generation_config.json'), JSON.stringify({ bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenId, pad_token_id: config.padTokenId }, null, 2));
  for (const f of TOKENIZER_FILES) if (source.has(f)) copy(f);
  if (source.has('tokenizer_config.json')) writeFileSync(join(request.out, 'tokenizer_config.json'), tokenizerConfigWithTemplate(read('tokenizer_config.json'), source.has('chat_template.jinja') ? read('chat_template.jinja') : undefined));
  return { modelFile: join(onnx, modelName), dataFiles: layout.dataFiles.map((f) => join(onnx, f.name)) };
}
