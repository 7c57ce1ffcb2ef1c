import type { PickedFile } from '../local-import';
import { isRepoFilePath } from '../model-ids';
import { COMPUTED, type CheckpointSource, type SourceFile } from './checkpoint-source';

/**
 * A checkpoint in a folder the user picked on this computer, read where it lies: the files are Blobs (File objects
 * from the folder picker, which a worker can be handed), so every read is a slice, and nothing is fetched. No one
 * published checksums for them: the conversion computes each file's SHA-256 as it reads it and records it.
 */
export interface CheckpointFolder {
  /** The folder's own name, as the model list and its provenance show it. */
  name: string;
  /** Its files, with their paths inside it (`model-00001-of-00002.safetensors`, `config.json`). */
  files: PickedFile[];
}

export class FolderReadError extends Error {
  override name = 'FolderReadError';
}

/** Bytes handed on at a time while a weight file streams (as a network body hands on its pieces). */
const PIECE = 8 * 1024 * 1024;

/**
 * The folder's files as a conversion lists them. A name no model repository could hold (`../x`, a hidden file)
 * is left out, never read: the checkpoint's own files all have plain names.
 */
export function folderListing(folder: CheckpointFolder): SourceFile[] {
  return folder.files
    .filter((picked) => isRepoFilePath(picked.path))
    .map(({ path, file }) => ({ path, size: file.size, digest: COMPUTED, ...(file instanceof File ? { modifiedAt: file.lastModified } : {}) }));
}

export function folderCheckpointSource(folder: CheckpointFolder): CheckpointSource {
  const blobs = new Map(folder.files.map((picked) => [picked.path, picked.file]));
  const blobOf = (file: SourceFile): Blob => {
    const blob = blobs.get(file.path);
    if (!blob || blob.size !== file.size) throw new FolderReadError(`${file.path} is no longer in the folder ${folder.name} as it was listed. Pick the folder again.`);
    return blob;
  };
  // Chromium refuses to read a picked file that changed on disk since it was picked (NotReadableError).
  const unreadable = (file: SourceFile, error: unknown): Error =>
    error instanceof FolderReadError ? error : new FolderReadError(`${file.path} in the folder ${folder.name} could not be read (${error instanceof Error ? error.message : String(error)}); it may have changed, moved or gone since the folder was picked. Pick the folder again.`);
  const bytes = async (file: SourceFile, start: number, end: number, signal: AbortSignal): Promise<Uint8Array> => {
    signal.throwIfAborted();
    try {
      return new Uint8Array(await blobOf(file).slice(start, end).arrayBuffer());
    } catch (error) {
      throw unreadable(file, error);
    }
  };
  return {
    whole: (file, signal) => bytes(file, 0, file.size, signal),
    bytes,
    range: async (file, start, end, signal) => {
      const blob = blobOf(file);
      const stop = Math.min(end ?? file.size, file.size);
      let at = start;
      const body = new ReadableStream<Uint8Array>({
        // As a fetched body does, the stream fails as soon as its signal aborts, pieces already read or not.
        start: (controller) => signal.addEventListener('abort', () => controller.error(signal.reason), { once: true }),
        pull: async (controller) => {
          if (signal.aborted) return controller.error(signal.reason);
          if (at >= stop) return controller.close();
          const next = Math.min(stop, at + PIECE);
          try {
            controller.enqueue(new Uint8Array(await blob.slice(at, next).arrayBuffer()));
            at = next;
          } catch (error) {
            controller.error(unreadable(file, error));
          }
        },
      });
      // Partial content, as a Range request is answered: the stream starts at `start`.
      return new Response(body, { status: 206 });
    },
  };
}
