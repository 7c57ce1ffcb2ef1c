import { createSHA1, createSHA256, type IHasher } from 'hash-wasm';
import type { FileDigest } from './hub-client';

/**
 * A streaming hasher for one file, resumable from a saved state. Hub LFS files carry a SHA-256; small files
 * kept in git carry their git blob id, which is SHA-1 over `blob <size>\0` followed by the content.
 */
export async function createFileHasher(digest: FileDigest, size: number, savedState?: Uint8Array): Promise<IHasher> {
  const hasher = digest.algorithm === 'sha256' ? await createSHA256() : await createSHA1();
  if (savedState) {
    hasher.load(savedState);
    return hasher;
  }
  hasher.init();
  if (digest.algorithm === 'git-sha1') hasher.update(`blob ${size}\0`);
  return hasher;
}
