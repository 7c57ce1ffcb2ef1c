/** Failures of the weight store that callers handle differently from a plain error. */

/** A file's bytes did not match the checksum the hub published; its chunks were discarded. */
export class ChecksumMismatchError extends Error {
  constructor(readonly path: string) {
    super(`${path} did not match its published checksum; its downloaded bytes were discarded.`);
  }
}

/** The browser refused to store more: the origin's quota is used up. */
export class StorageFullError extends Error {
  constructor() {
    super('The browser ran out of storage space for the model.');
  }
}

export function isQuotaError(error: unknown): boolean {
  return error instanceof StorageFullError || (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'QuotaExceededError');
}

/**
 * Chromium's IndexedDB could not write a chunk's Blob into its own files ("Failed to write blobs (InvalidBlob)",
 * or "(IOError)"). It stopped two of the bench's repeated 765 MB downloads on the 2-core dev machine, at no
 * particular chunk, with nothing else wrong; the chunk is fetched again and stored from a new Blob.
 */
export function isBlobWriteError(error: unknown): boolean {
  return error instanceof DOMException && /failed to write blobs/i.test(error.message);
}
