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
  /**
   * Copies the file into `pieces` (ranges in file order, each with a buffer of its own length), reading whole
   * stored chunks, the next while one is copied: one Blob read per chunk (64 MiB) instead of one per piece, and
   * at most two chunks held besides the pieces. `onChunk` gets each chunk's size once it is copied.
   */
  fill(pieces: readonly FilePiece[], onChunk?: (bytes: number) => void, signal?: AbortSignal): Promise<void>;
  /** The file in one Uint8Array (fill with one piece). */
  bytes(): Promise<Uint8Array>;
}

export interface FilePiece {
  start: number;
  end: number;
  bytes: Uint8Array;
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
    const stored: StoredModelFile = {
      path: file.path,
      size: file.size,
      blob: async () => new Blob(await chunks()),
      fill: async (pieces, onChunk, signal) => fillPieces(`${record.entry.label}: ${file.path}`, file.size, await chunks(), pieces, onChunk, signal),
      bytes: async () => {
        const bytes = new Uint8Array(file.size);
        await stored.fill([{ start: 0, end: file.size, bytes }]);
        return bytes;
      },
    };
    return stored;
  });
  const byPath = new Map(files.map((file) => [file.path, file]));
  const file = (path: string): StoredModelFile => {
    const found = byPath.get(path);
    if (!found) throw new Error(`${record.entry.label} has no file ${path}.`);
    return found;
  };
  const graphPath = `onnx/model_${record.dtype}.onnx`;
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

async function fillPieces(what: string, size: number, chunks: readonly Blob[], pieces: readonly FilePiece[], onChunk?: (bytes: number) => void, signal?: AbortSignal): Promise<void> {
  let reading = chunks[0]?.arrayBuffer();
  let chunkStart = 0;
  let first = 0;
  for (let index = 0; reading; index++) {
    const chunk = new Uint8Array(await reading);
    reading = chunks[index + 1]?.arrayBuffer();
    signal?.throwIfAborted();
    const chunkEnd = chunkStart + chunk.byteLength;
    for (let i = first; i < pieces.length && pieces[i]!.start < chunkEnd; i++) {
      const piece = pieces[i]!;
      const from = Math.max(piece.start, chunkStart);
      const to = Math.min(piece.end, chunkEnd);
      if (to > from) piece.bytes.set(chunk.subarray(from - chunkStart, to - chunkStart), from - piece.start);
      if (piece.end <= chunkEnd) first = i + 1;
    }
    chunkStart = chunkEnd;
    onChunk?.(chunk.byteLength);
  }
  if (chunkStart !== size) throw new Error(`${what} holds ${chunkStart} bytes, not ${size}.`);
}
