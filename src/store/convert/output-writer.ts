import type { PlacedBytes } from '../../model/export/export-run';
import type { ChunkHasher, HasherFactory } from '../file-hasher';
import { StorageFullError } from '../store-errors';
import { fileBytesStored, type ModelRecord, type ResumePoint, type StoredFile, type WeightDb } from '../weight-db';

/** A resume point whose source hasher state is still being computed (hashing runs ahead on another thread). */
export interface QuietPoint extends Omit<ResumePoint, 'shardHashState'> {
  shardHashState: Promise<Uint8Array | undefined>;
}

/**
 * Writes a conversion's output, the data files one after the other as one stream, into the store chunk by
 * chunk. Each chunk is hashed (its file's SHA-256 is recorded once the file is complete, so re-verifying works
 * as for a download) and stored with its file's hasher state and the latest quiet point it covers, in one
 * transaction: a conversion stopped anywhere restarts from that point, makes again the output it had not stored
 * and skips what it had. At most QUEUED_CHUNKS chunks wait to be stored while the next is filled.
 */
export class OutputWriter {
  /** Stream offset of the next byte written. */
  private streamed: number;
  /** Bytes below this are in the store already: a resumed run makes them again and drops them. */
  private readonly storedEnd: number;
  private readonly starts: number[] = [];
  private chunk: { file: number; index: number; bytes: Uint8Array; filled: number } | undefined;
  private readonly hashers = new Map<number, Promise<ChunkHasher>>();
  private readonly quiet: QuietPoint[] = [];
  private commits: Promise<void> = Promise.resolve();
  private readonly queued: Array<Promise<void>> = [];

  constructor(
    private readonly deps: {
      db: WeightDb;
      createHasher: HasherFactory;
      /**
       * Bytes the origin may still store. The extension holds unlimitedStorage, so the browser itself never
       * refuses a write: space is checked here before each chunk, as a download checks it before each file.
       */
      availableBytes: () => Promise<number>;
    },
    private readonly record: ModelRecord,
    /** The data files, in stream order (the record's own objects, updated as chunks land). */
    private readonly files: StoredFile[],
    startOffset: number,
  ) {
    let at = 0;
    let storedEnd = -1;
    for (const file of files) {
      this.starts.push(at);
      const stored = fileBytesStored(record, file);
      if (storedEnd < 0 && stored < file.size) storedEnd = at + stored;
      at += file.size;
    }
    this.storedEnd = storedEnd < 0 ? at : storedEnd;
    if (startOffset > this.storedEnd) throw new Error(`A conversion resumed at output byte ${startOffset}, past the ${this.storedEnd} stored.`);
    this.streamed = startOffset;
  }

  /** The stream's total size; `finish` checks every byte of it was written. */
  get size(): number {
    return this.starts.length === 0 ? 0 : this.starts.at(-1)! + this.files.at(-1)!.size;
  }

  async write(placed: readonly PlacedBytes[]): Promise<void> {
    for (const { output, bytes } of placed) {
      const file = this.files.findIndex((f) => f.path.endsWith(`/${output.external.location}`));
      if (file < 0 || this.starts[file]! + output.external.offset !== this.streamed) {
        throw new Error(`${output.name} arrived out of the planned order (at ${this.streamed}, planned ${output.external.location}:${output.external.offset}).`);
      }
      await this.append(bytes);
    }
  }

  /** No job holds part of its inputs here: a conversion may restart from this point. */
  noteQuiet(point: Omit<QuietPoint, 'streamOffset'>): void {
    this.quiet.push({ ...point, streamOffset: this.streamed });
  }

  /** Stores the last chunk of each file and records each file's checksum; throws if the stream is short. */
  async finish(): Promise<void> {
    if (this.chunk) await this.commit(this.chunk);
    this.chunk = undefined;
    await this.commits;
    if (this.streamed !== this.size) throw new Error(`The conversion wrote ${this.streamed} of ${this.size} output bytes.`);
  }

  /** Lets go of the hashers (after a failure or when done). */
  async close(): Promise<void> {
    await this.commits.catch(() => undefined);
    for (const hasher of this.hashers.values()) (await hasher.catch(() => undefined))?.close();
    this.hashers.clear();
  }

  private async append(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      if (this.streamed < this.storedEnd) {
        const skip = Math.min(this.storedEnd - this.streamed, bytes.length - at);
        this.streamed += skip;
        at += skip;
        continue;
      }
      const file = this.fileAt(this.streamed);
      const offset = this.streamed - this.starts[file]!;
      const chunkBytes = this.record.chunkBytes;
      const index = Math.floor(offset / chunkBytes);
      if (!this.chunk) {
        const length = Math.min(chunkBytes, this.files[file]!.size - index * chunkBytes);
        this.chunk = { file, index, bytes: new Uint8Array(length), filled: offset - index * chunkBytes };
      }
      const chunk = this.chunk;
      const take = Math.min(bytes.length - at, chunk.bytes.length - chunk.filled);
      chunk.bytes.set(bytes.subarray(at, at + take), chunk.filled);
      chunk.filled += take;
      this.streamed += take;
      at += take;
      if (chunk.filled === chunk.bytes.length) {
        this.chunk = undefined;
        await this.commit(chunk);
      }
    }
  }

  private fileAt(offset: number): number {
    for (let i = this.starts.length - 1; i >= 0; i--) if (offset >= this.starts[i]!) return i;
    return 0;
  }

  private async commit(chunk: { file: number; index: number; bytes: Uint8Array }): Promise<void> {
    const file = this.files[chunk.file]!;
    const end = this.starts[chunk.file]! + chunk.index * this.record.chunkBytes + chunk.bytes.length;
    const last = end === this.starts[chunk.file]! + file.size;
    // The Blob copies the bytes before the hasher takes the buffer over.
    const blob = new Blob([chunk.bytes as Uint8Array<ArrayBuffer>]);
    const hasher = this.hasher(chunk.file);
    const state = hasher.then((h) => h.update(chunk.bytes));
    const digest = last ? state.then(async () => (await hasher).digest()) : undefined;
    const point = this.takeQuiet(end);
    const previous = this.commits;
    this.commits = (async () => {
      await previous;
      const persisted = { hashState: file.hashState, chunks: file.chunks, resume: this.record.conversion?.resume };
      file.hashState = await state;
      file.chunks = chunk.index + 1;
      if (point && this.record.conversion) {
        const { shardHashState: pending, ...rest } = point;
        const shardHashState = await pending;
        this.record.conversion.resume = shardHashState ? { ...rest, shardHashState } : rest;
      }
      if (digest) {
        file.digest = { algorithm: 'sha256', hex: await digest };
        file.verified = true;
        delete file.hashState;
      }
      try {
        const left = this.size - (end - chunk.bytes.length);
        if (left > (await this.deps.availableBytes())) throw new StorageFullError();
        await this.deps.db.putChunk(this.record, file.path, chunk.index, blob);
      } catch (error) {
        // The record in memory goes back to what the store holds.
        Object.assign(file, { hashState: persisted.hashState, chunks: persisted.chunks, verified: false });
        if (this.record.conversion && persisted.resume) this.record.conversion.resume = persisted.resume;
        throw error;
      }
      if (last) {
        (await hasher).close();
        this.hashers.delete(chunk.file);
      }
    })();
    // Awaited below or in finish(); this only keeps a failure from going unobserved meanwhile.
    this.commits.catch(() => undefined);
    this.queued.push(this.commits);
    while (this.queued.length >= QUEUED_CHUNKS) await this.queued.shift();
  }

  private hasher(index: number): Promise<ChunkHasher> {
    let hasher = this.hashers.get(index);
    if (!hasher) {
      const file = this.files[index]!;
      hasher = this.deps.createHasher({ algorithm: 'sha256', hex: '' }, file.size, file.hashState);
      this.hashers.set(index, hasher);
    }
    return hasher;
  }

  /** The latest quiet point this chunk's end covers; earlier ones are no longer needed. */
  private takeQuiet(end: number): QuietPoint | undefined {
    let point: QuietPoint | undefined;
    while (this.quiet.length > 0 && this.quiet[0]!.streamOffset <= end) point = this.quiet.shift();
    return point;
  }
}

/** Chunks waiting to be hashed and stored while the next one fills (as for downloads, file-download.ts). */
const QUEUED_CHUNKS = 2;
