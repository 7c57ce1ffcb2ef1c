import { createStore, del, get, getMany, promisifyRequest, set, setMany, type UseStore } from 'idb-keyval';
import type { Backend } from '../protocol/model-fit';
import type { FileDigest } from './hub-client';
import type { RememberedListing } from './listing-pins';
import type { ModelEntry } from './model-registry';

/**
 * The IndexedDB layout of the weight store, in one object store so that a chunk and the progress it makes
 * are written in one transaction (a crash leaves either both or neither):
 * - `['model', id]`: a ModelRecord, the pinned commit, the file list and how far each file has come;
 * - `['chunk', id, path, index]`: one fixed-size piece of a file, stored as a Blob (Chromium keeps large
 *   Blobs on disk, so reading a model back does not pull it into memory);
 * - `['entry', id]`: a custom model entry the user added;
 * - `['pins', repo, commit]`: the checksums of the first listing a download started from for a repository at a
 *   commit (listing-pins.ts); kept when the model is deleted, forgotten with a custom entry.
 */
export interface StoredFile {
  path: string;
  size: number;
  digest: FileDigest;
  /** Chunks persisted so far; each is `chunkBytes` long except the last one of the file. */
  chunks: number;
  /** The hasher's state after the last persisted chunk, so verification resumes with the download. */
  hashState?: Uint8Array;
  /** The validator the server sent for these bytes; a different one on resume means the file changed. */
  etag?: string;
  verified: boolean;
}

/**
 * Where an interrupted conversion starts again: a point where no export job held part of its inputs, so the run
 * restarts from the next stored tensor with the jobs before `jobsDone` complete. Its outputs up to `streamOffset`
 * are made again and those already stored are skipped.
 */
export interface ResumePoint {
  /** Index of the next stored tensor, in the checkpoint's order. */
  tensor: number;
  jobsDone: number;
  /** Bytes of output (all data files one after the other) the jobs before `jobsDone` wrote. */
  streamOffset: number;
  /** The weight file the next tensor is in, the byte it starts at, and that file's hasher state there. */
  shard: number;
  shardOffset: number;
  shardHashState?: Uint8Array;
}

/** Where a conversion begins: before the first tensor, with nothing streamed (copied into a record, never shared). */
export const CONVERSION_START: Readonly<ResumePoint> = { tensor: 0, jobsDone: 0, streamOffset: 0, shard: 0, shardOffset: 0 };

/** A model converted here from a checkpoint: what it was made from, by what, and how far it has come. */
export interface ConversionRecord {
  /**
   * Every file of the checkpoint that was read, with its size and checksum, and whether it was read whole: from the
   * hub, the checksum it published, which the file matched; from a folder, the SHA-256 computed as it was read
   * (empty until then), and when the file was last changed.
   */
  sources: Array<{ path: string; size: number; digest: FileDigest; verified: boolean; modifiedAt?: number }>;
  /** Each weight file's header's SHA-256 as planned: a resumed conversion must be planned from the same headers. */
  headerDigests?: string[];
  /** The folder on this computer it was read from; absent for a checkpoint from the hub (at the record's commit). */
  folder?: string;
  pagewiseVersion: string;
  /** The graph it was converted to, as the model manager shows it. */
  settings: { dtype: string; backend: Backend; exportTarget: string };
  resume: ResumePoint;
  startedAt: number;
  finishedAt?: number;
}

export interface ModelRecord {
  entry: ModelEntry;
  /** The graph stored (`onnx/model_<dtype>.onnx`) and the backend it was made for. */
  backend: Backend;
  dtype: string;
  /** The commit the download is pinned to (absent for a local import). */
  commit?: string;
  conversion?: ConversionRecord;
  chunkBytes: number;
  files: StoredFile[];
  /** `verified` only once every file's checksum matched; nothing else may be loaded. */
  state: 'partial' | 'verified';
  updatedAt: number;
}

type Key = [string, ...(string | number)[]];

const modelKey = (id: string): Key => ['model', id];
const chunkKey = (id: string, path: string, index: number): Key => ['chunk', id, path, index];
// Arrays sort after strings and numbers in IndexedDB, so `[...prefix, []]` bounds every key under a prefix.
const under = (...prefix: string[]): IDBKeyRange => IDBKeyRange.bound(prefix, [...prefix, []]);

export function fileBytesStored(record: ModelRecord, file: StoredFile): number {
  return Math.min(file.size, file.chunks * record.chunkBytes);
}

export function recordBytesStored(record: ModelRecord): number {
  return record.files.reduce((sum, file) => sum + fileBytesStored(record, file), 0);
}

export function recordTotalBytes(record: ModelRecord): number {
  return record.files.reduce((sum, file) => sum + file.size, 0);
}

/**
 * A record as Pagewise writes it (or wrote it before models were converted here). Anything else in the store
 * (a disk gone bad, a version's bug) is broken: it is never read as a model, only listed so it can be deleted.
 */
function isSound(value: unknown): value is ModelRecord {
  if (!value || typeof value !== 'object') return false;
  const record = value as Partial<ModelRecord> & { entry?: Partial<ModelEntry> & { backend?: unknown; dtype?: unknown } };
  const entry = record.entry;
  if (!entry || typeof entry !== 'object' || typeof entry.id !== 'string' || typeof entry.label !== 'string') return false;
  if (record.state !== 'partial' && record.state !== 'verified') return false;
  if (typeof record.chunkBytes !== 'number' || !(record.chunkBytes > 0) || !Array.isArray(record.files)) return false;
  if (!record.files.every((file) => file && typeof file.path === 'string' && typeof file.size === 'number' && typeof file.chunks === 'number')) return false;
  const named = typeof record.backend === 'string' && typeof record.dtype === 'string';
  const namedOnEntry = typeof entry.backend === 'string' && typeof entry.dtype === 'string';
  return named ? Array.isArray(entry.targets) && entry.targets.length > 0 : namedOnEntry;
}

/** A record stored before models were converted here named its graph on the entry; it was always an ONNX download. */
function upgraded(record: ModelRecord): ModelRecord {
  if (record.backend && record.dtype) return record;
  const old = record.entry as ModelEntry & { backend: ModelRecord['backend']; dtype: string };
  return { ...record, backend: old.backend, dtype: old.dtype, entry: { ...old, format: 'onnx', targets: [{ backend: old.backend, dtype: old.dtype as never }] } };
}

export class WeightDb {
  constructor(private readonly store: UseStore = createStore('pagewise-weights', 'records')) {}

  async getModel(id: string): Promise<ModelRecord | undefined> {
    const record = await get<unknown>(modelKey(id), this.store);
    return isSound(record) ? upgraded(record) : undefined;
  }

  putModel(record: ModelRecord): Promise<void> {
    return set(modelKey(record.entry.id), { ...record, updatedAt: Date.now() }, this.store);
  }

  async listModels(): Promise<ModelRecord[]> {
    return (await this.store('readonly', (store) => promisifyRequest(store.getAll(under('model')) as IDBRequest<unknown[]>))).filter(isSound).map(upgraded);
  }

  /** The ids (from their keys) of model records that cannot be read as models: the model manager offers to delete them. */
  async listBrokenModels(): Promise<string[]> {
    const [keys, values] = await this.store('readonly', (store) =>
      Promise.all([promisifyRequest(store.getAllKeys(under('model')) as unknown as IDBRequest<Key[]>), promisifyRequest(store.getAll(under('model')) as IDBRequest<unknown[]>)]),
    );
    return keys.filter((key, i) => !isSound(values[i]) && typeof key[1] === 'string').map((key) => key[1] as string);
  }

  /** Stores one chunk and the record that counts it, atomically. */
  putChunk(record: ModelRecord, path: string, index: number, bytes: Blob): Promise<void> {
    return setMany(
      [
        [chunkKey(record.entry.id, path, index), bytes],
        [modelKey(record.entry.id), { ...record, updatedAt: Date.now() }],
      ],
      this.store,
    );
  }

  async getChunks(id: string, path: string, count: number): Promise<Blob[]> {
    const chunks = await getMany<Blob>(
      Array.from({ length: count }, (_, index) => chunkKey(id, path, index)),
      this.store,
    );
    return chunks.map((chunk, index) => {
      if (!chunk) throw new Error(`Chunk ${index} of ${path} is missing from the store.`);
      return chunk;
    });
  }

  /** Drops one file's chunks and saves `record` (which must already count that file as empty). */
  discardFile(record: ModelRecord, path: string): Promise<void> {
    return this.store('readwrite', (store) => {
      store.delete(under('chunk', record.entry.id, path));
      store.put({ ...record, updatedAt: Date.now() }, modelKey(record.entry.id));
      return promisifyRequest(store.transaction);
    });
  }

  /** Removes a model's record and every chunk it owns. */
  deleteModel(id: string): Promise<void> {
    return this.store('readwrite', (store) => {
      store.delete(under('chunk', id));
      store.delete(modelKey(id));
      return promisifyRequest(store.transaction);
    });
  }

  /** How many chunks are stored for `id` (or for all models), whatever the records say: finds orphans. */
  countChunks(id?: string): Promise<number> {
    return this.store('readonly', (store) => promisifyRequest(store.count(id ? under('chunk', id) : under('chunk'))));
  }

  async getListingPins(repo: string, commit: string): Promise<RememberedListing | undefined> {
    const value = await get<unknown>(['pins', repo, commit], this.store);
    if (typeof value !== 'object' || value === null) return undefined;
    const { from, at, files } = value as Partial<RememberedListing>;
    const sound = typeof from === 'string' && typeof at === 'number' && typeof files === 'object' && files !== null && Object.values(files).every((pin) => typeof pin === 'string');
    return sound ? { from, at, files } : undefined;
  }

  putListingPins(repo: string, commit: string, remembered: RememberedListing): Promise<void> {
    return set(['pins', repo, commit], remembered, this.store);
  }

  /** Forgets every listing remembered for `repo`, at any commit. */
  deleteListingPins(repo: string): Promise<void> {
    return this.store('readwrite', (store) => {
      store.delete(IDBKeyRange.bound(['pins', repo], ['pins', repo, []]));
      return promisifyRequest(store.transaction);
    });
  }

  getCustomEntries(): Promise<ModelEntry[]> {
    return this.store('readonly', (store) => promisifyRequest(store.getAll(under('entry')) as IDBRequest<ModelEntry[]>));
  }

  putCustomEntry(entry: ModelEntry): Promise<void> {
    return set(['entry', entry.id], entry, this.store);
  }

  deleteCustomEntry(id: string): Promise<void> {
    return del(['entry', id], this.store);
  }
}
