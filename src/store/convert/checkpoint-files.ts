import { isRepoFilePath } from '../model-ids';
import type { SourceFile } from './checkpoint-source';

/**
 * The files of a safetensors checkpoint in a repository listing: the weights (one `model.safetensors`, or the
 * shards `model.safetensors.index.json` names, in the order it names them), the config, the tokenizer and the
 * chat template, which newer repositories ship as its own `chat_template.jinja`. Throws naming what is missing.
 */
export interface CheckpointFiles {
  config: SourceFile;
  generationConfig?: SourceFile;
  tokenizer: SourceFile;
  tokenizerConfig: SourceFile;
  chatTemplate?: SourceFile;
  /** Present when the weights are sharded; its weight_map names the shards. */
  index?: SourceFile;
  /** Single file, or the shards once the index is read (shardsFromIndex). */
  weights: SourceFile[];
}

export class CheckpointListingError extends Error {
  override name = 'CheckpointListingError';
}

const SINGLE = 'model.safetensors';
const INDEX = 'model.safetensors.index.json';
/**
 * The largest text file read whole (config, tokenizer, index, template): the largest real tokenizers are tens of
 * MB, and a file that claims more is not one, and would only fill memory.
 */
const MAX_TEXT_BYTES = 100_000_000;

/**
 * What a folder or repository holds, judged from its file names alone: a safetensors checkpoint (which wins where
 * both are present), ONNX exports, or neither.
 */
export function listingKind(paths: readonly string[]): 'checkpoint' | 'onnx' | undefined {
  if (paths.includes(SINGLE) || paths.includes(INDEX)) return 'checkpoint';
  if (paths.some((path) => path.startsWith('onnx/') && path.endsWith('.onnx'))) return 'onnx';
  return undefined;
}

export function checkpointFiles(listing: readonly SourceFile[], repo: string): CheckpointFiles {
  const byPath = new Map(listing.map((file) => [file.path, file]));
  const optional = (path: string): SourceFile | undefined => {
    const file = byPath.get(path);
    if (file && path !== SINGLE && (file.size === 0 || file.size > MAX_TEXT_BYTES)) {
      throw new CheckpointListingError(`${repo}'s ${path} is ${file.size === 0 ? 'empty' : `${file.size} bytes, too large for a model's text file`}.`);
    }
    return file;
  };
  const need = (path: string): SourceFile => {
    const file = optional(path);
    if (!file) throw new CheckpointListingError(`${repo} has no ${path}, which a model checkpoint needs.`);
    return file;
  };
  const kind = listingKind(listing.map((file) => file.path));
  if (kind !== 'checkpoint') {
    throw new CheckpointListingError(
      kind === 'onnx'
        ? `${repo} holds ONNX exports, not a safetensors checkpoint: add it as an ONNX model instead.`
        : `${repo} has no safetensors checkpoint (${SINGLE}, or ${INDEX} with its shards).`,
    );
  }
  const index = optional(INDEX);
  const single = byPath.get(SINGLE);
  const generationConfig = optional('generation_config.json');
  const chatTemplate = optional('chat_template.jinja');
  return {
    config: need('config.json'),
    ...(generationConfig ? { generationConfig } : {}),
    tokenizer: need('tokenizer.json'),
    tokenizerConfig: need('tokenizer_config.json'),
    ...(chatTemplate ? { chatTemplate } : {}),
    ...(index ? { index } : {}),
    weights: index ? [] : [single!],
  };
}

/** The shards an index names, in the order of their names (model-00001-of-0000N first), checked against the listing. */
export function shardsFromIndex(indexText: string, listing: readonly SourceFile[], repo: string): SourceFile[] {
  let weightMap: unknown;
  try {
    weightMap = (JSON.parse(indexText) as { weight_map?: unknown }).weight_map;
  } catch {
    throw new CheckpointListingError(`${repo}'s ${INDEX} is not valid JSON.`);
  }
  if (!weightMap || typeof weightMap !== 'object') throw new CheckpointListingError(`${repo}'s ${INDEX} has no weight_map.`);
  const names = [...new Set(Object.values(weightMap as Record<string, unknown>))];
  if (names.length === 0 || names.some((name) => typeof name !== 'string' || !isRepoFilePath(name) || !name.endsWith('.safetensors'))) {
    throw new CheckpointListingError(`${repo}'s ${INDEX} names files that are not safetensors shards.`);
  }
  const byPath = new Map(listing.map((file) => [file.path, file]));
  return (names as string[]).sort().map((name) => {
    const file = byPath.get(name);
    if (!file) throw new CheckpointListingError(`${repo}'s ${INDEX} names ${name}, which the repository does not have.`);
    return file;
  });
}
