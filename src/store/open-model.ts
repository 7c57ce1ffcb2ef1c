import type { ModelEntry } from './model-registry';
import { WeightDb } from './weight-db';

/**
 * How the engine reads a verified model: each file as a Blob assembled from its stored chunks. Chromium
 * keeps large IndexedDB Blobs on disk, so nothing is read into memory until the engine asks for bytes,
 * and never as one multi-gigabyte ArrayBuffer unless the engine builds one itself.
 */
export interface StoredModelFile {
  path: string;
  size: number;
  blob(): Promise<Blob>;
  /** The stored chunks in file order, each a Blob kept on disk by Chromium until read. */
  chunks(): Promise<Blob[]>;
  /** The file in one Uint8Array, filled chunk by chunk so only one chunk more than the file is ever held. */
  bytes(): Promise<Uint8Array>;
}

export interface OpenedModel {
  entry: ModelEntry;
  commit: string | undefined;
  files: StoredModelFile[];
  file(path: string): StoredModelFile;
  /** `onnx/model_<dtype>.onnx`: small, the engine reads it as bytes. */
  graph: StoredModelFile;
  /** External data files, named as the graph references them (`model_q4.onnx_data`, `…_data_1`). */
  externalData: Array<StoredModelFile & { name: string }>;
}

export async function openModel(modelId: string, db = new WeightDb()): Promise<OpenedModel> {
  const record = await db.getModel(modelId);
  if (!record) throw new Error(`${modelId} has not been downloaded.`);
  if (record.state !== 'verified') throw new Error(`${record.entry.label} is not completely downloaded and verified yet.`);
  const files: StoredModelFile[] = record.files.map((file) => {
    const chunks = () => db.getChunks(modelId, file.path, file.chunks);
    return {
      path: file.path,
      size: file.size,
      blob: async () => new Blob(await chunks()),
      chunks,
      bytes: async () => {
        const out = new Uint8Array(file.size);
        let offset = 0;
        for (const chunk of await chunks()) {
          out.set(new Uint8Array(await chunk.arrayBuffer()), offset);
          offset += chunk.size;
        }
        return out;
      },
    };
  });
  const byPath = new Map(files.map((file) => [file.path, file]));
  const file = (path: string): StoredModelFile => {
    const found = byPath.get(path);
    if (!found) throw new Error(`${record.entry.label} has no file ${path}.`);
    return found;
  };
  const graphPath = `onnx/model_${record.entry.dtype}.onnx`;
  const dataPrefix = `${graphPath}_data`;
  return {
    entry: record.entry,
    commit: record.commit,
    files,
    file,
    graph: file(graphPath),
    externalData: files
      .filter((candidate) => candidate.path.startsWith(dataPrefix))
      .map((candidate) => ({ ...candidate, name: candidate.path.slice('onnx/'.length) })),
  };
}

/**
 * ORT's `externalData` option for an opened model, with each file as a Blob URL that ORT fetches itself and
 * holds whole until the session exists. Kept as bench/store's comparison for the engine's own path
 * (src/offscreen/store-model-source.ts, tensor by tensor). Call `revoke` once the session exists.
 */
export async function ortExternalData(model: OpenedModel): Promise<{ externalData: Array<{ path: string; data: string }>; revoke(): void }> {
  const urls: string[] = [];
  const externalData = [];
  for (const data of model.externalData) {
    const url = URL.createObjectURL(await data.blob());
    urls.push(url);
    externalData.push({ path: data.name, data: url });
  }
  return { externalData, revoke: () => urls.forEach((url) => URL.revokeObjectURL(url)) };
}
