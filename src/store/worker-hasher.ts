import type { HasherFactory } from './file-hasher';
import type { HashRequest, HashResponse } from './hash-worker';

/** A HasherFactory that hashes in a dedicated worker, one per file, so hashing overlaps reading and storing. */
export const workerHasher: HasherFactory = async (digest, size, savedState) => {
  const worker = new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' });
  const waiting = new Map<number, { resolve(response: HashResponse): void; reject(error: Error): void }>();
  let nextId = 0;
  worker.onmessage = (event: MessageEvent<HashResponse>) => {
    const pending = waiting.get(event.data.id);
    waiting.delete(event.data.id);
    if (event.data.error) pending?.reject(new Error(event.data.error));
    else pending?.resolve(event.data);
  };
  worker.onerror = (event) => {
    for (const pending of waiting.values()) pending.reject(new Error(event.message || 'The hashing worker failed.'));
    waiting.clear();
  };
  type Request = HashRequest extends infer R ? (R extends HashRequest ? Omit<R, 'id'> : never) : never;
  const send = (request: Request, transfer: Transferable[] = []): Promise<HashResponse> =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ ...request, id }, transfer);
    });
  await send({ op: 'init', algorithm: digest.algorithm, size, ...(savedState ? { state: savedState } : {}) });
  return {
    update: async (chunk) => (await send({ op: 'update', chunk }, [chunk.buffer])).state!,
    digest: async () => (await send({ op: 'digest' })).hex!,
    close: () => worker.terminate(),
  };
};
