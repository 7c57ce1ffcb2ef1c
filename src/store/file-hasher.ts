import { createSHA1, createSHA256, type IHasher } from 'hash-wasm';
import type { FileDigest } from './hub-client';

/**
 * A streaming hasher for one file, resumable from a saved state. Hub LFS files carry a SHA-256; small files
 * kept in git carry their git blob id, which is SHA-1 over `blob <size>\0` followed by the content.
 *
 * `update` hands the chunk over (the caller must not touch it afterwards) and resolves with the state after
 * it, so an implementation may hash on another thread while the caller reads the next chunk.
 */
export interface ChunkHasher {
  update(chunk: Uint8Array): Promise<Uint8Array>;
  digest(): Promise<string>;
  close(): void;
}

export type HasherFactory = (digest: FileDigest, size: number, savedState?: Uint8Array) => Promise<ChunkHasher>;

export async function createHashWasm(algorithm: FileDigest['algorithm'], size: number, savedState?: Uint8Array): Promise<IHasher> {
  const hasher = algorithm === 'sha256' ? await createSHA256() : await createSHA1();
  if (savedState) {
    hasher.load(savedState);
    return hasher;
  }
  hasher.init();
  if (algorithm === 'git-sha1') hasher.update(`blob ${size}\0`);
  return hasher;
}

/** Hashes on the calling thread (Node, tests, and browsers without workers). */
export const inThreadHasher: HasherFactory = async (digest, size, savedState) => {
  const hasher = await createHashWasm(digest.algorithm, size, savedState);
  return {
    update: async (chunk) => {
      hasher.update(chunk);
      return hasher.save();
    },
    digest: async () => hasher.digest('hex'),
    close: () => undefined,
  };
};
