import type { HubFile } from '../hub-client';
import { isRepoFilePath } from '../model-ids';

/**
 * The files of a safetensors checkpoint in a repository listing: the weights (one `model.safetensors`, or the
 * shards `model.safetensors.index.json` names, in the order it names them), the config, the tokenizer and the
 * chat template, which newer repositories ship as its own `chat_template.jinja`. Throws naming what is missing.
 */
export interface CheckpointFiles {
  config: HubFile;
  generationConfig?: HubFile;
  tokenizer: HubFile;
  tokenizerConfig: HubFile;
  chatTemplate?: HubFile;
  /** Present when the weights are sharded; its weight_map names the shards. */
  index?: HubFile;
  /** Single file, or the shards once the index is read (shardsFromIndex). */
  weights: HubFile[];
}

export class CheckpointListingError extends Error {
  override name = 'CheckpointListingError';
}

const SINGLE = 'model.safetensors';
const INDEX = 'model.safetensors.index.json';

export function checkpointFiles(listing: readonly HubFile[], repo: string): CheckpointFiles {
  const byPath = new Map(listing.map((file) => [file.path, file]));
  const need = (path: string): HubFile => {
    const file = byPath.get(path);
    if (!file) throw new CheckpointListingError(`${repo} has no ${path}, which a model checkpoint needs.`);
    return file;
  };
  const index = byPath.get(INDEX);
  const single = byPath.get(SINGLE);
  if (!index && !single) {
    const onnx = listing.some((file) => file.path.startsWith('onnx/') && file.path.endsWith('.onnx'));
    throw new CheckpointListingError(
      onnx
        ? `${repo} holds ONNX exports, not a safetensors checkpoint: add it as an ONNX model instead.`
        : `${repo} has no safetensors checkpoint (${SINGLE}, or ${INDEX} with its shards).`,
    );
  }
  const optional = (path: string) => byPath.get(path);
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
export function shardsFromIndex(indexText: string, listing: readonly HubFile[], repo: string): HubFile[] {
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
