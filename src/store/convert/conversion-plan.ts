import { checkpointFeeds, type CheckpointFeeds } from '../../model/checkpoint-feeds';
import { ConfigError, parseConfig, type Lfm2Config } from '../../model/config';
import { exportOptions, type ExportTarget } from '../../model/export/export-options';
import { DATA_FILE_BYTES, layoutExport, type ExportLayout } from '../../model/export/export-run';
import { buildLfm2Graph } from '../../model/export/lfm2-graph';
import { encodeGraph } from '../../model/onnx/graph-builder';
import type { FileDigest } from '../hub-client';
import type { ModelTarget } from '../model-registry';
import { checkpointFiles, shardsFromIndex, type CheckpointFiles } from './checkpoint-files';
import { digestOf, recordedDigest, shardHeader, type CheckpointSource, type SourceFile } from './checkpoint-source';
import { textOutputs, type TextSources } from './converted-text-files';

/**
 * Everything a conversion needs decided before the first weight byte is fetched: the checkpoint's files (the
 * listing at the pinned commit gives each one's size and SHA-256; a folder's, each one's size), its config and the
 * headers of its shards, the target graph, and from those the whole output: the graph file and the exact size of
 * every data file. A checkpoint that cannot become a graph (another model type, a missing or misshapen tensor, a
 * truncated header) is refused here, naming what is wrong, before anything is downloaded.
 */
export interface ShardTensor {
  name: string;
  dtype: 'F32' | 'F16' | 'BF16';
  shape: number[];
  /** Index in `shards`, and the tensor's absolute byte range in that file. */
  shard: number;
  begin: number;
  end: number;
}

export interface ConversionPlan {
  files: CheckpointFiles;
  /** The weight files, in the order they are read, and each one's header as planned from. */
  shards: SourceFile[];
  headers: Uint8Array[];
  /**
   * Each header's SHA-256. A resumed conversion streams from past the header, so what it was planned from is
   * checked against the record's (a mirror that serves a different header to the Range requests than the bytes
   * the file's checksum covers cannot move tensors around on a resume).
   */
  headerDigests: string[];
  /**
   * The digest recorded for each small file read so far: the published one it matched, or its SHA-256 computed as
   * it was read (tokenizer.json joins them when the conversion starts and reads it).
   */
  digests: Map<string, FileDigest>;
  /** The small files, fetched and checked (tokenizer.json is fetched when the conversion starts). */
  texts: TextSources;
  /** Every stored tensor, in the order the shards hold them. */
  tensors: ShardTensor[];
  rawConfig: Record<string, unknown>;
  config: Lfm2Config;
  target: ModelTarget;
  exportTarget: ExportTarget;
  graph: Uint8Array;
  layout: ExportLayout;
  feeds: CheckpointFeeds;
  /** `onnx/model_<dtype>.onnx` */
  graphPath: string;
  /** Every byte fetched: the weights and the small files. */
  downloadBytes: number;
  /** Every byte stored: graph, data files and the small files. */
  storedBytes: number;
}


/** What every shard's header may hold together before consent: they are read, and kept, to plan. */
const MAX_HEADERS_BYTES = 64_000_000;

export function exportTargetOf(target: ModelTarget): ExportTarget {
  return target.backend === 'webgpu' ? 'gpu' : 'wasm';
}

/**
 * Plans the conversion of the checkpoint `listing` describes into the first of `targets` (best first, already
 * judged to fit this device) its config allows. Reads config.json whole and each shard's header.
 */
export async function planConversion(
  source: CheckpointSource,
  listing: readonly SourceFile[],
  repo: string,
  targets: readonly ModelTarget[],
  signal: AbortSignal,
): Promise<ConversionPlan> {
  const files = checkpointFiles(listing, repo);
  const digests = new Map<string, FileDigest>();
  const whole = (file: SourceFile) => readWhole(source, file, signal, digests);
  const rawConfig = parseJson(await whole(files.config), `${repo}'s config.json`);
  const config = parseConfig(rawConfig);
  const { target, exportTarget, options } = firstExportable(config, targets);
  const shards = files.index ? shardsFromIndex(new TextDecoder().decode(await whole(files.index)), listing, repo) : files.weights;
  const tensors: ShardTensor[] = [];
  const headers: Uint8Array[] = [];
  let headerBytes = 0;
  for (const [shard, file] of shards.entries()) {
    const read = await shardHeader(source, file, signal);
    headerBytes += read.header.byteLength;
    if (headerBytes > MAX_HEADERS_BYTES) throw new ConfigError(`${repo}'s weight files have headers of more than ${MAX_HEADERS_BYTES / 1e6} MB together; real checkpoints have a few hundred kB`);
    headers.push(read.header);
    for (const entry of read.tensors) tensors.push({ ...entry, shard });
  }
  const headerDigests = await Promise.all(headers.map((header) => digestOf('sha256', header)));
  const texts: TextSources = {
    generationConfig: files.generationConfig ? await whole(files.generationConfig) : undefined,
    tokenizerConfig: await whole(files.tokenizerConfig),
    chatTemplate: files.chatTemplate ? await whole(files.chatTemplate) : undefined,
  };
  const { graph, jobs } = buildLfm2Graph(config, options);
  const feeds = checkpointFeeds(config, tensors, jobs.flatMap((job) => job.inputs));
  const graphPath = `onnx/model_${target.dtype}.onnx`;
  const layout = layoutExport(jobs, feeds.position, `model_${target.dtype}.onnx_data`, DATA_FILE_BYTES);
  const graphBytes = encodeGraph(graph);
  const small = [files.config, files.generationConfig, files.tokenizer, files.tokenizerConfig, files.chatTemplate, files.index].filter((f) => f !== undefined);
  const smallBytes = small.reduce((sum, file) => sum + file.size, 0);
  const planned = { rawConfig, config, graphPath, layout, texts };
  // tokenizer.json is stored as published: its listed size is its stored size.
  const textBytes = textOutputs(planned, new Uint8Array(files.tokenizer.size)).reduce((sum, text) => sum + text.bytes.byteLength, 0);
  return {
    files,
    shards,
    headers,
    headerDigests,
    digests,
    texts,
    tensors,
    rawConfig,
    config,
    target,
    exportTarget,
    graph: graphBytes,
    layout,
    feeds,
    graphPath,
    downloadBytes: smallBytes + shards.reduce((sum, file) => sum + file.size, 0),
    storedBytes: textBytes + graphBytes.byteLength + layout.totalBytes,
  };
}

/** A small file read whole, its digest noted in `digests` (see ConversionPlan.digests). */
export async function readWhole(source: CheckpointSource, file: SourceFile, signal: AbortSignal, digests: Map<string, FileDigest>): Promise<Uint8Array> {
  const bytes = await source.whole(file, signal);
  digests.set(file.path, await recordedDigest(file, bytes));
  return bytes;
}

function firstExportable(config: Lfm2Config, targets: readonly ModelTarget[]) {
  const refusals: string[] = [];
  for (const target of targets) {
    const exportTarget = exportTargetOf(target);
    try {
      return { target, exportTarget, options: exportOptions(config, target.dtype, exportTarget) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      refusals.push(error.message);
    }
  }
  throw new ConfigError(targets.length === 0 ? 'No graph this model can be converted to runs on this device.' : `This model cannot run on this device: ${refusals.join('; ')}.`);
}

export function parseJson(bytes: Uint8Array, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Named below.
  }
  throw new ConfigError(`${what} is not a JSON object.`);
}
