import { ENGINE_DTYPES, type Backend, type EngineDtype, type ModelCandidate } from '../protocol/model-fit';
import { hubModelId, isRepoFilePath, isRepoId, isRevision, normalizeBaseUrl } from './model-ids';

/**
 * The one list of models Pagewise knows, with what each needs of the hardware (the engine's fit rules in
 * engine/model-choice.ts judge those needs against this device). Built-in entries name a hub repository, a
 * revision and a dtype; the exact
 * file list, sizes and checksums come from the hub's tree at that revision when a download is planned,
 * and the revision is resolved to a commit sha then and pinned in the stored record, so a branch that
 * moves later never mixes two versions of a model. Users add entries of their own (another repository
 * and revision, a mirror, or a folder imported from disk).
 */
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** What a model asks of the backend it runs on. */
export type ModelNeeds = Pick<ModelCandidate, 'weightBytes' | 'largestBufferBytes'>;

export interface ModelEntry {
  id: string;
  label: string;
  source: 'hub' | 'local';
  /** Hub repository and revision (branch, tag or commit); absent for a local import. */
  repo?: string;
  revision?: string;
  /** A mirror that serves the hub's API and resolve URLs; the user's hub setting applies when absent. */
  baseUrl?: string;
  /** Which `onnx/model_<dtype>.onnx` graph (and its external data) the entry uses. */
  dtype: string;
  backend: Backend;
  /** For display before the hub has been asked: the published size of the files this entry uses. */
  approxBytes: number;
  /** Known for built-in models; for others the stored files' size stands for the weights. */
  needs?: ModelNeeds;
  custom: boolean;
}

export const BUILT_IN_MODELS: readonly ModelEntry[] = [
  {
    id: 'lfm2.5-8b-a1b',
    label: 'LFM2.5-8B-A1B (q4f16, GPU)',
    source: 'hub',
    repo: 'LiquidAI/LFM2.5-8B-A1B-ONNX',
    revision: 'main',
    dtype: 'q4f16',
    backend: 'webgpu',
    approxBytes: 4_700_000_000,
    // LFM2.5-8B-A1B's shapes (src/model/config.ts presets) at 4.5 bits per weight; the largest buffer is one layer's experts.
    needs: { weightBytes: 4.7 * GiB, largestBufferBytes: 132 * MiB },
    custom: false,
  },
  {
    // The CPU (WASM) engine runs the int8 graph (onnx/model_int8.onnx and its data): WASM's MatMulNBits ran 10x
    // slower than int8 MatMulInteger on the 1.2B's shapes (bench/lib/matmul-variants.ts), and the WASM build has
    // no 4-bit embedding kernel. The id names the dtype so a record of another graph stored under an older id is
    // never taken for this one.
    id: 'lfm2.5-1.2b-instruct-int8',
    label: 'LFM2.5-1.2B-Instruct (int8, CPU)',
    source: 'hub',
    repo: 'LiquidAI/LFM2.5-1.2B-Instruct-ONNX',
    revision: 'main',
    dtype: 'int8',
    backend: 'wasm',
    approxBytes: 1_300_000_000,
    // 8 bits per weight, one tied [2048, 65536] table.
    needs: { weightBytes: 1.2 * GiB, largestBufferBytes: 128 * MiB },
    custom: false,
  },
];

/**
 * The entry as the fit rules see it, or undefined for a graph the engine cannot run. `storedBytes` stands in for
 * the weights of a model whose needs are not known (custom and imported models); its largest buffer is then
 * unknown (0) and only loading it tells.
 */
export function candidateFor(entry: ModelEntry, storedBytes = entry.approxBytes): ModelCandidate | undefined {
  if (!isEngineDtype(entry.dtype)) return undefined;
  const needs = entry.needs ?? { weightBytes: storedBytes, largestBufferBytes: 0 };
  return { modelId: entry.id, backend: entry.backend, dtype: entry.dtype, ...needs };
}

function isEngineDtype(dtype: string): dtype is EngineDtype {
  return (ENGINE_DTYPES as readonly string[]).includes(dtype);
}

const DTYPE = /^(fp32|fp16|q4|q4f16|q4f32|q8|int8|uint8|bnb4|quantized)$/;

export interface CustomHubModel {
  repo: string;
  revision: string;
  dtype: string;
  baseUrl?: string;
  backend: Backend;
}

/** Checks a user's custom hub entry and gives it its id; throws with a message the UI can show. */
export function customHubEntry(input: CustomHubModel): ModelEntry {
  if (!isRepoId(input.repo)) throw new Error(`"${input.repo}" is not a hub repository id (owner/name).`);
  if (!isRevision(input.revision)) throw new Error(`"${input.revision}" is not a revision (a branch, tag or commit sha).`);
  if (!DTYPE.test(input.dtype)) throw new Error(`"${input.dtype}" is not a known ONNX dtype.`);
  const baseUrl = input.baseUrl ? normalizeBaseUrl(input.baseUrl) : undefined;
  return {
    id: hubModelId(input.repo, input.dtype, input.revision),
    label: `${input.repo} (${input.dtype})`,
    source: 'hub',
    repo: input.repo,
    revision: input.revision,
    ...(baseUrl ? { baseUrl } : {}),
    dtype: input.dtype,
    backend: input.backend,
    approxBytes: 0,
    custom: true,
  };
}

/** An entry for model files imported from a folder on disk (machines that never go online). */
export function localFolderEntry(folderName: string, dtype: string, backend: Backend): ModelEntry {
  const name = folderName.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80) || 'folder';
  if (!DTYPE.test(dtype)) throw new Error(`"${dtype}" is not a known ONNX dtype.`);
  return { id: `local/${name}#${dtype}`, label: `${folderName} (${dtype})`, source: 'local', dtype, backend, approxBytes: 0, custom: true };
}

export interface RepoFile {
  path: string;
  size: number;
}

const TEXT_FILES_REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const TEXT_FILES_OPTIONAL = ['generation_config.json', 'chat_template.jinja'];

/**
 * The files a model entry needs out of a repository listing: configs, tokenizer, the dtype's graph and all of
 * its external data chunks (`model_<dtype>.onnx_data`, `_data_1`, …). Throws naming whatever is missing.
 */
export function selectModelFiles<F extends RepoFile>(files: readonly F[], dtype: string): F[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const graph = `onnx/model_${dtype}.onnx`;
  const missing = [...TEXT_FILES_REQUIRED, graph].filter((path) => !byPath.has(path));
  if (missing.length > 0) throw new Error(`The repository lacks ${missing.join(', ')}.`);
  const data = new RegExp(`^onnx/model_${dtype}\\.onnx_data(_\\d{1,3})?$`);
  const selected = [...TEXT_FILES_REQUIRED, ...TEXT_FILES_OPTIONAL, graph]
    .map((path) => byPath.get(path))
    .filter((file): file is F => file !== undefined);
  selected.push(...files.filter((file) => data.test(file.path)).sort((a, b) => externalDataIndex(a.path) - externalDataIndex(b.path)));
  for (const file of selected) {
    if (!isRepoFilePath(file.path)) throw new Error(`The repository lists an unusable file name: ${file.path}`);
  }
  return selected;
}

function externalDataIndex(path: string): number {
  const match = /_data_(\d+)$/.exec(path);
  return match ? Number(match[1]) : 0;
}
