import { ENGINE_DTYPES, type Backend, type EngineDtype, type ModelCandidate } from '../protocol/model-fit';
import { hubModelId, isRepoFilePath, isRepoId, isRevision, normalizeBaseUrl } from './model-ids';

/**
 * The one list of models Pagewise knows, with what each needs of the hardware (the engine's fit rules in
 * engine/model-choice.ts judge those needs against this device).
 *
 * A built-in model is Liquid AI's own checkpoint (safetensors, as published) at a pinned commit: Pagewise
 * converts it in the browser into the graph this device runs best (store/convert/), choosing among the entry's
 * targets. A user can add any hub repository holding an LFM2 checkpoint (converted the same way) or an ONNX export
 * in the transformers.js layout (downloaded as it is, after its graph is checked against the backend), or import
 * a folder. The exact file list, sizes and checksums come from the hub's tree at the pinned commit when a download
 * is planned; a revision that is a branch is resolved to its commit then, and that commit is kept.
 */
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** What a model asks of the backend it runs on. */
export type ModelNeeds = Pick<ModelCandidate, 'weightBytes' | 'largestBufferBytes'>;

/** A graph a model can be stored as. Needs are known for built-in models; otherwise the files' size stands in. */
export interface ModelTarget {
  backend: Backend;
  dtype: EngineDtype;
  needs?: ModelNeeds;
}

export interface ModelEntry {
  id: string;
  label: string;
  source: 'hub' | 'local';
  /** `safetensors`: a checkpoint converted here; `onnx`: graphs already exported (`onnx/model_<dtype>.onnx`). */
  format: 'safetensors' | 'onnx';
  /** Hub repository and revision (branch, tag or commit); absent for a local import. */
  repo?: string;
  revision?: string;
  /** A mirror that serves the hub's API and resolve URLs; the user's hub setting applies when absent. */
  baseUrl?: string;
  /** The graphs it can be stored as, best first; a converted model takes the first this device runs. */
  targets: ModelTarget[];
  /** For display before the hub has been asked: the published size of what a download fetches. */
  approxBytes: number;
  /**
   * Checksums (`sha256:<hex>` or `git-sha1:<hex>`) of files at the pinned commit, shipped with Pagewise: a listing
   * that disagrees is refused (listing-pins.ts). Without them the first listing planned from is remembered.
   */
  pinnedDigests?: Readonly<Record<string, string>>;
  custom: boolean;
}

/**
 * Commits are pinned where a public record names one (the 8B's tokenizer-fix commit named on its model card; the
 * 1.2B and 350M commits other projects pin for reproducible downloads). Shapes, used for the needs, follow the
 * published configs (presets in scripts/export/presets.ts); download sizes are the checkpoints' published sizes.
 * No public page this project could read lists the shards' SHA-256 at these commits, so none ship as
 * `pinnedDigests`: the first listing a browser plans from is remembered and holds every later one to it.
 */
export const BUILT_IN_MODELS: readonly ModelEntry[] = [
  {
    id: 'lfm2.5-8b-a1b',
    label: 'LFM2.5-8B-A1B',
    source: 'hub',
    format: 'safetensors',
    repo: 'LiquidAI/LFM2.5-8B-A1B',
    revision: 'feb5e04da4910dd56d33f0cd03747ff298c1e801',
    // 4.5 bits per weight; the largest buffer is the 4-bit embedding (one layer's experts come close).
    targets: [
      { backend: 'webgpu', dtype: 'q4f16', needs: { weightBytes: 4.7 * GiB, largestBufferBytes: 132 * MiB } },
      { backend: 'webgpu', dtype: 'q4', needs: { weightBytes: 4.9 * GiB, largestBufferBytes: 132 * MiB } },
    ],
    approxBytes: 16_900_000_000,
    custom: false,
  },
  {
    id: 'lfm2.5-1.2b-instruct',
    label: 'LFM2.5-1.2B-Instruct',
    source: 'hub',
    format: 'safetensors',
    repo: 'LiquidAI/LFM2.5-1.2B-Instruct',
    revision: '0f604ada3f766f9f257460c4c9f0b5d6f69d431b',
    // On the CPU the int8 graph (8 bits per weight, one tied [2048, 65536] table): onnxruntime-web's WASM
    // MatMulNBits ran 10x slower than int8 MatMulInteger on these shapes (bench/lib/matmul-variants.ts).
    // No layer in float32 (npm run bench -- cpu_precision, one layer of these shapes in Chromium): float32 runs a
    // token 1.56x as fast but a 256-token prefill run at 0.39x, and its session grew the renderer by 1,052 MiB
    // against 363 for int8. Summaries and form fills are mostly prefill (a 4,168-token page: 80 s of prefill, a
    // few hundred tokens out), so each float32 layer would slow them by about 8 s there, would save about 1 s on
    // a 300-token translation, and would take ~0.7 GB of WebAssembly's 4 GB: the context a long page needs.
    targets: [
      { backend: 'webgpu', dtype: 'q4f16', needs: { weightBytes: 0.75 * GiB, largestBufferBytes: 68 * MiB } },
      { backend: 'webgpu', dtype: 'q4', needs: { weightBytes: 0.8 * GiB, largestBufferBytes: 68 * MiB } },
      { backend: 'wasm', dtype: 'int8', needs: { weightBytes: 1.2 * GiB, largestBufferBytes: 128 * MiB } },
    ],
    approxBytes: 2_340_697_936,
    custom: false,
  },
  {
    id: 'lfm2.5-350m',
    label: 'LFM2.5-350M',
    source: 'hub',
    format: 'safetensors',
    repo: 'LiquidAI/LFM2.5-350M',
    revision: '9e6c6ccf47cd318696e137d381a7ded8fe4df09f',
    // Small enough to keep every weight in float32 on the CPU (1.35 GiB): one layer of these shapes ran a token
    // 2.29x as fast as in int8 and a 256-token prefill run at 0.38x (npm run bench -- cpu_precision). This is
    // the fast choice for answers and translations, which are mostly generated tokens; a long page's summary
    // is mostly prefill, which the 1.2B's int8 graph does faster per weight. Where float32's memory is not there,
    // the int8 graph (0.36 GiB, measured from the exporter at these shapes) makes it the model for small devices.
    targets: [
      { backend: 'webgpu', dtype: 'q4f16', needs: { weightBytes: 0.23 * GiB, largestBufferBytes: 34 * MiB } },
      { backend: 'wasm', dtype: 'fp32', needs: { weightBytes: 1.35 * GiB, largestBufferBytes: 256 * MiB } },
      { backend: 'wasm', dtype: 'int8', needs: { weightBytes: 0.36 * GiB, largestBufferBytes: 64 * MiB } },
    ],
    approxBytes: 709_000_000,
    custom: false,
  },
];

/**
 * A target of `entry` as the fit rules see it, or undefined for a graph the engine cannot run. `storedBytes`
 * stands in for the weights when the target's needs are not known (custom and imported models); the largest
 * buffer is then unknown (0) and only loading it tells.
 */
export function candidateFor(entry: ModelEntry, target: ModelTarget, storedBytes = entry.approxBytes): ModelCandidate | undefined {
  if (!isEngineDtype(target.dtype)) return undefined;
  const needs = target.needs ?? { weightBytes: storedBytes, largestBufferBytes: 0 };
  return { modelId: entry.id, backend: target.backend, dtype: target.dtype, ...needs };
}

/** Every target of every entry, best first within each entry: what the hardware panel weighs. */
export function candidatesOf(entries: readonly ModelEntry[]): ModelCandidate[] {
  return entries.flatMap((entry) => entry.targets.map((target) => candidateFor(entry, target))).filter((c) => c !== undefined);
}

export function isEngineDtype(dtype: string): dtype is EngineDtype {
  return (ENGINE_DTYPES as readonly string[]).includes(dtype);
}

/** The graphs a checkpoint added by the user is converted to, best first (an MoE checkpoint takes the GPU ones only). */
export const CONVERSION_TARGETS: readonly ModelTarget[] = [
  { backend: 'webgpu', dtype: 'q4f16' },
  { backend: 'webgpu', dtype: 'q4' },
  { backend: 'wasm', dtype: 'int8' },
];

export type CustomHubModel =
  | { format: 'safetensors'; repo: string; revision: string; baseUrl?: string }
  | { format: 'onnx'; repo: string; revision: string; dtype: string; backend: Backend; baseUrl?: string };

/** Checks a user's custom hub entry and gives it its id; throws with a message the UI can show. */
export function customHubEntry(input: CustomHubModel): ModelEntry {
  if (!isRepoId(input.repo)) throw new Error(`"${input.repo}" is not a hub repository id (owner/name).`);
  if (!isRevision(input.revision)) throw new Error(`"${input.revision}" is not a revision (a branch, tag or commit sha).`);
  const baseUrl = input.baseUrl ? normalizeBaseUrl(input.baseUrl) : undefined;
  const common = { source: 'hub' as const, repo: input.repo, revision: input.revision, ...(baseUrl ? { baseUrl } : {}), approxBytes: 0, custom: true };
  if (input.format === 'safetensors') {
    return { ...common, id: `${input.repo}@${input.revision}#convert`, label: input.repo, format: 'safetensors', targets: [...CONVERSION_TARGETS] };
  }
  return { ...common, id: hubModelId(input.repo, input.dtype, input.revision), label: `${input.repo} (${input.dtype})`, format: 'onnx', targets: [onnxTarget(input.dtype, input.backend)] };
}

/** An entry for model files imported from a folder on disk (machines that never go online). */
export function localFolderEntry(folderName: string, dtype: string, backend: Backend): ModelEntry {
  return { id: `${localId(folderName)}#${dtype}`, label: `${folderName} (${dtype})`, source: 'local', format: 'onnx', targets: [onnxTarget(dtype, backend)], approxBytes: 0, custom: true };
}

/**
 * An entry for a checkpoint in a folder on disk, converted here as a hub checkpoint is (into the first of the same
 * targets this device runs). Picking the same folder again continues a conversion that stopped.
 */
export function localCheckpointEntry(folderName: string): ModelEntry {
  return { id: `${localId(folderName)}#convert`, label: folderName, source: 'local', format: 'safetensors', targets: [...CONVERSION_TARGETS], approxBytes: 0, custom: true };
}

/** The folder's name as it can stand in a model id (a store key). */
function localId(folderName: string): string {
  return `local/${folderName.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80) || 'folder'}`;
}

/** The one graph of an ONNX repository or folder the user names; the engine runs only its own dtypes. */
function onnxTarget(dtype: string, backend: Backend): ModelTarget {
  if (!isEngineDtype(dtype)) throw new Error(`"${dtype}" is not a graph Pagewise runs (${ENGINE_DTYPES.join(', ')}).`);
  return { backend, dtype };
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
