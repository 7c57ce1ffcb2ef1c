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
