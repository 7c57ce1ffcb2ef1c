/// <reference lib="webworker" />
import type { IHasher } from 'hash-wasm';
import { createHashWasm } from './file-hasher';

/**
 * Hashes a download's chunks off the engine host's main thread, which meanwhile reads the network and stores
 * chunks: SHA-256 in WebAssembly runs at about the speed of a local network, so doing both on one thread halves
 * the download rate. Requests are answered in order; each carries an id.
 */
export type HashRequest =
  | { id: number; op: 'init'; algorithm: 'sha256' | 'git-sha1'; size: number; state?: Uint8Array }
  | { id: number; op: 'update'; chunk: Uint8Array }
  | { id: number; op: 'digest' };
export type HashResponse = { id: number; state?: Uint8Array; hex?: string; error?: string };

let hasher: IHasher | undefined;

self.onmessage = async (event: MessageEvent<HashRequest>) => {
  const request = event.data;
  try {
    if (request.op === 'init') {
      hasher = await createHashWasm(request.algorithm, request.size, request.state);
      self.postMessage({ id: request.id } satisfies HashResponse);
    } else if (request.op === 'update') {
      hasher!.update(request.chunk);
      self.postMessage({ id: request.id, state: hasher!.save() } satisfies HashResponse);
    } else {
      self.postMessage({ id: request.id, hex: hasher!.digest('hex') } satisfies HashResponse);
    }
  } catch (error) {
    self.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies HashResponse);
  }
};
