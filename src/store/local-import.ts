import { inThreadHasher, type HasherFactory } from './file-hasher';
import type { Backend } from '../protocol/model-fit';
import { localFolderEntry, selectModelFiles, type ModelEntry } from './model-registry';
import { withModelLock } from './model-lock';
import { isQuotaError } from './store-errors';
import { recordTotalBytes, type ModelRecord, type StoredFile } from './weight-db';
import { DEFAULT_CHUNK_BYTES, spaceFigures, type StoreDeps } from './model-download';

/**
 * Imports model files the user picked from a folder on disk (for machines that never go online). There is no
 * hub checksum to compare with, so each file's SHA-256 is computed as it is stored and kept: re-verifying
 * later proves the stored copy still equals what was imported. The model is usable once every file is in.
 */
export interface PickedFile {
  /** Path inside the picked folder, e.g. `onnx/model_q4.onnx` (the folder's own name removed). */
  path: string;
  file: Blob;
}

export interface ImportRequest {
  folderName: string;
  files: PickedFile[];
  dtype: string;
  backend: Backend;
  chunkBytes?: number;
  createHasher?: HasherFactory;
  onProgress(bytes: number, totalBytes: number): void;
}

export type ImportOutcome =
  | { status: 'verified'; entry: ModelEntry; totalBytes: number }
  | { status: 'quota-exceeded'; neededBytes: number; availableBytes: number; quotaBytes: number };

export async function importLocalFolder(deps: Pick<StoreDeps, 'db' | 'estimate' | 'locks'>, request: ImportRequest): Promise<ImportOutcome> {
  const entry = localFolderEntry(request.folderName, request.dtype, request.backend);
  const busyMessage = `${entry.label} is being imported or changed elsewhere right now.`;
  return withModelLock(deps.locks, entry.id, { busyMessage }, () => importUnlocked(deps, entry, request));
}

async function importUnlocked(deps: Pick<StoreDeps, 'db' | 'estimate'>, entry: ModelEntry, request: ImportRequest): Promise<ImportOutcome> {
  const picked = selectModelFiles(request.files.map((picked) => ({ ...picked, size: picked.file.size })), request.dtype);
  const chunkBytes = request.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const record: ModelRecord = {
    entry: { ...entry, approxBytes: picked.reduce((sum, file) => sum + file.size, 0) },
    backend: request.backend,
    dtype: request.dtype,
    chunkBytes,
    files: picked.map((file): StoredFile => ({ path: file.path, size: file.size, digest: { algorithm: 'sha256', hex: '' }, chunks: 0, verified: false })),
    state: 'partial',
    updatedAt: Date.now(),
  };
  const totalBytes = recordTotalBytes(record);
  const space = await spaceFigures(deps.estimate);
  if (totalBytes > space.availableBytes) return { status: 'quota-exceeded', neededBytes: totalBytes, availableBytes: space.availableBytes, quotaBytes: space.quotaBytes };

  await deps.db.deleteModel(entry.id);
  await deps.db.putModel(record);
  let done = 0;
  try {
    for (const [i, file] of record.files.entries()) {
      const source = picked[i]!.file;
      const hasher = await (request.createHasher ?? inThreadHasher)({ algorithm: 'sha256', hex: '' }, file.size);
      try {
        for (let offset = 0; offset < file.size; offset += chunkBytes) {
          const slice = source.slice(offset, Math.min(file.size, offset + chunkBytes));
          file.hashState = await hasher.update(new Uint8Array(await slice.arrayBuffer()));
          file.chunks++;
          await deps.db.putChunk(record, file.path, file.chunks - 1, slice);
          done += slice.size;
          request.onProgress(done, totalBytes);
        }
        file.digest.hex = await hasher.digest();
      } finally {
        hasher.close();
      }
      file.verified = true;
      delete file.hashState;
    }
  } catch (error) {
    await deps.db.deleteModel(entry.id);
    if (isQuotaError(error)) {
      const after = await spaceFigures(deps.estimate);
      return { status: 'quota-exceeded', neededBytes: totalBytes, availableBytes: after.availableBytes, quotaBytes: after.quotaBytes };
    }
    throw error;
  }
  record.state = 'verified';
  await deps.db.putModel(record);
  return { status: 'verified', entry: record.entry, totalBytes };
}

/** Turns `<input webkitdirectory>` files into paths inside the folder, dropping the folder's own name. */
export function pickedFolder(files: ArrayLike<File>): { folderName: string; files: PickedFile[] } {
  const list = Array.from(files);
  const folderName = list[0]?.webkitRelativePath.split('/')[0] ?? '';
  return {
    folderName,
    files: list.map((file) => ({ path: file.webkitRelativePath.split('/').slice(1).join('/') || file.name, file })),
  };
}

