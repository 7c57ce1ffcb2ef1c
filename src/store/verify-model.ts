import { createHashWasm } from './file-hasher';
import { withModelLock } from './model-lock';
import { CONVERSION_START, fileBytesStored, type StoredFile, type WeightDb } from './weight-db';

/**
 * Re-reads a stored model chunk by chunk and checks every file against its checksum again (the model
 * manager's "re-verify"). A file that fails is discarded, and the model is no longer usable until it is
 * downloaded again; files that pass are kept. A model converted here is the exception: its files come out of
 * one pass over the checkpoint, in order, so one damaged file cannot be made again alone. All of its files go
 * and its conversion starts over (`convertAgain`): Resume converts the checkpoint again.
 */
export interface VerifyOutcome {
  verified: boolean;
  badFiles: string[];
  missingFiles: string[];
  convertAgain?: boolean;
}

export function verifyModel(
  deps: { db: WeightDb; locks: LockManager },
  id: string,
  signal: AbortSignal,
  onProgress: (bytes: number, totalBytes: number) => void,
): Promise<VerifyOutcome> {
  const busyMessage = 'Wait for the download to finish, or pause it, before verifying.';
  return withModelLock(deps.locks, id, { busyMessage }, () => verifyUnlocked(deps.db, id, signal, onProgress));
}

async function verifyUnlocked(db: WeightDb, id: string, signal: AbortSignal, onProgress: (bytes: number, totalBytes: number) => void): Promise<VerifyOutcome> {
  const record = await db.getModel(id);
  if (!record) throw new Error(`${id} is not in the store.`);
  const totalBytes = record.files.reduce((sum, file) => sum + fileBytesStored(record, file), 0);
  const badFiles: string[] = [];
  const missingFiles: string[] = [];
  let bytes = 0;
  const discard = async (file: StoredFile): Promise<void> => {
    file.chunks = 0;
    file.verified = false;
    delete file.hashState;
    delete file.etag;
    await db.discardFile(record, file.path);
  };
  for (const file of record.files) {
    if (fileBytesStored(record, file) < file.size) {
      missingFiles.push(file.path);
      continue;
    }
    const hasher = await createHashWasm(file.digest.algorithm, file.size);
    const chunks = await db.getChunks(id, file.path, file.chunks).catch(() => undefined);
    let intact = chunks !== undefined;
    for (const [index, chunk] of (chunks ?? []).entries()) {
      if (signal.aborted) throw signal.reason;
      if (chunk.size !== Math.min(record.chunkBytes, file.size - index * record.chunkBytes)) intact = false;
      hasher.update(new Uint8Array(await chunk.arrayBuffer()));
      bytes += chunk.size;
      onProgress(bytes, totalBytes);
    }
    if (intact && hasher.digest('hex') === file.digest.hex) continue;
    badFiles.push(file.path);
    record.state = 'partial';
    await discard(file);
  }
  if (missingFiles.length > 0) record.state = 'partial';
  const convertAgain = record.conversion !== undefined && badFiles.length > 0;
  if (convertAgain) {
    for (const file of record.files) if (file.chunks > 0) await discard(file);
    record.conversion!.resume = { ...CONVERSION_START };
  }
  await db.putModel(record);
  return { verified: record.state === 'verified', badFiles, missingFiles, ...(convertAgain ? { convertAgain } : {}) };
}

