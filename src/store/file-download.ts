import type { ChunkHasher, HasherFactory } from './file-hasher';
import { backoffMs, isRetryableStatus, MAX_CONSECUTIVE_FAILURES, parseRetryAfter, RetryableHttpError, sleep } from './retry-policy';
import { chunkReader } from './body-reader';
import { ChecksumMismatchError, isBlobWriteError, isQuotaError, StorageFullError } from './store-errors';
import { fileBytesStored, type ModelRecord, type StoredFile, type WeightDb } from './weight-db';

/**
 * Downloads one file into the store, chunk by chunk, from wherever it stopped last time. One ranged request
 * streams from the resume offset to the end; every full chunk is hashed, then stored together with the
 * hasher's state, so a dropped connection, a closed browser or a killed document costs at most one chunk.
 * Reading, hashing and storing overlap (the hasher may run on another thread); memory stays at about three
 * chunks whatever the file size. The finished file must match its checksum.
 */
export type StoreNotice =
  | { type: 'retrying'; path: string; reason: string; failures: number; waitMs: number }
  | { type: 'discarded'; path: string; reason: 'checksum' | 'changed'; bytes: number };

export interface FileDownload {
  db: WeightDb;
  /** Mutated as chunks land, and persisted with each one. */
  record: ModelRecord;
  file: StoredFile;
  url: string;
  fetchFn: typeof fetch;
  signal: AbortSignal;
  /** A response that sends nothing for this long is abandoned and resumed. */
  stallMs: number;
  createHasher: HasherFactory;
  /** Bytes newly stored (negative when stored bytes were discarded). */
  onBytes(delta: number): void;
  onNotice(notice: StoreNotice): void;
}

/** The file changed on the server under the same URL (new validator or commit): its old bytes are useless. */
class FileChangedError extends Error {}

const MAX_RESTARTS_AFTER_CHANGE = 1;

export async function downloadFile(job: FileDownload): Promise<void> {
  const { file, record } = job;
  let hasher = await job.createHasher(file.digest, file.size, file.hashState);
  const resetHasher = async () => {
    hasher.close();
    hasher = await job.createHasher(file.digest, file.size, file.hashState);
  };
  try {
    await fetchRemainder(job, () => hasher, {
      restart: async () => {
        await discard(job, 'changed');
        await resetHasher();
      },
      // Back to the state stored with the last chunk: the hasher has run ahead of it by the chunks not stored.
      rewind: resetHasher,
    });
    if ((await hasher.digest()) !== file.digest.hex) {
      await discard(job, 'checksum');
      throw new ChecksumMismatchError(file.path);
    }
  } finally {
    hasher.close();
  }
  file.verified = true;
  delete file.hashState;
  await job.db.putModel(record);
}

/**
 * Retries until every byte is stored, bounded by consecutive failures without progress. `restart` begins the
 * file again (it changed on the server); `rewind` resets the hasher to the stored chunks after a failed write.
 */
async function fetchRemainder(job: FileDownload, hasher: () => ChunkHasher, recover: { restart(): Promise<void>; rewind(): Promise<void> }): Promise<void> {
  const { file, record } = job;
  let failures = 0;
  let restarts = 0;
  while (fileBytesStored(record, file) < file.size) {
    try {
      const progressed = await streamRemainder(job, hasher());
      failures = progressed ? 0 : failures + 1;
      if (failures === 0) continue;
      if (failures >= MAX_CONSECUTIVE_FAILURES) throw new Error(`The download of ${file.path} keeps ending early.`);
      await sleep(backoffMs(failures), job.signal);
    } catch (error) {
      if (job.signal.aborted) throw job.signal.reason;
      if (isQuotaError(error)) throw new StorageFullError();
      if (error instanceof FileChangedError) {
        if (++restarts > MAX_RESTARTS_AFTER_CHANGE) throw new Error(`${file.path} keeps changing on the server.`, { cause: error });
        await recover.restart();
        continue;
      }
      if (isBlobWriteError(error)) await recover.rewind();
      const retryable = error instanceof RetryableHttpError || error instanceof TypeError || isStall(error) || isBlobWriteError(error);
      if (!retryable || ++failures >= MAX_CONSECUTIVE_FAILURES) throw error;
      const waitMs = backoffMs(failures, error instanceof RetryableHttpError ? error.retryAfterMs : undefined);
      job.onNotice({ type: 'retrying', path: file.path, reason: error instanceof Error ? error.message : String(error), failures, waitMs });
      await sleep(waitMs, job.signal);
    }
  }
}

async function discard(job: FileDownload, reason: 'checksum' | 'changed'): Promise<void> {
  const { file, record } = job;
  const bytes = fileBytesStored(record, file);
  file.chunks = 0;
  file.verified = false;
  delete file.hashState;
  delete file.etag;
  await job.db.discardFile(record, file.path);
  job.onBytes(-bytes);
  job.onNotice({ type: 'discarded', path: file.path, reason, bytes });
}

const STALL = 'stalled';
const isStall = (error: unknown): boolean => error instanceof DOMException && error.message === STALL;

/** One request from the resume offset; returns whether at least one chunk was stored. */
async function streamRemainder(job: FileDownload, hasher: ChunkHasher): Promise<boolean> {
  const { file, record } = job;
  const offset = fileBytesStored(record, file);
  const stall = new AbortController();
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  const armStallTimer = (): void => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => stall.abort(new DOMException(STALL, 'AbortError')), job.stallMs);
  };
  armStallTimer();
  let stored = 0;
  // Chunk commits run in order: wait for the chunk's hash state, then store chunk and record together.
  let commits: Promise<void> = Promise.resolve();
  // Commits not yet done, oldest first: reading runs ahead of them by at most QUEUED_CHUNKS.
  const queued: Array<Promise<void>> = [];
  try {
    const response = await job.fetchFn(job.url, {
      headers: { Range: `bytes=${offset}-` },
      signal: AbortSignal.any([job.signal, stall.signal]),
      credentials: 'omit',
      // The store is the cache; letting the HTTP cache keep a second copy would double the disk used.
      cache: 'no-store',
    });
    if (isRetryableStatus(response.status)) {
      await response.body?.cancel();
      throw new RetryableHttpError(response.status, parseRetryAfter(response.headers.get('retry-after')));
    }
    const skip = checkResponse(job, response, offset);
    if (!response.body) throw new TypeError('The response has no body.');
    const body = chunkReader(response.body, armStallTimer);
    try {
      await body.skip(skip);
      for (let index = file.chunks; ; index++) {
        const length = chunkLength(record, file, index);
        if (length === 0) break;
        const { chunk, filled } = await body.fill(new Uint8Array(length));
        // The body ended early: what is stored counts, and fetchRemainder asks for the rest.
        if (filled < length) break;
        // The Blob copies the bytes before the hasher takes the buffer over.
        const blob = new Blob([chunk]);
        const state = hasher.update(chunk);
        const previous = commits;
        commits = (async () => {
          await previous;
          const persisted = { hashState: file.hashState, chunks: file.chunks };
          file.hashState = await state;
          file.chunks = index + 1;
          try {
            await job.db.putChunk(record, file.path, index, blob);
          } catch (error) {
            // The record in memory goes back to what the store holds.
            Object.assign(file, persisted);
            throw error;
          }
          stored++;
          job.onBytes(blob.size);
        })();
        // Awaited below or on the way out; this only keeps a failure from going unobserved meanwhile.
        commits.catch(() => undefined);
        queued.push(commits);
        // Waiting on our own disk is not the server stalling, so the stall clock stops meanwhile (the next read
        // restarts it).
        clearTimeout(stallTimer);
        while (queued.length >= QUEUED_CHUNKS) await queued.shift();
      }
    } finally {
      await body.cancel();
    }
    await commits;
    return stored > 0;
  } catch (error) {
    // Chunks already hashed must reach the store, or the hasher runs ahead of the record; a failed write wins.
    await commits;
    if (stored > 0 && !isQuotaError(error) && !(error instanceof FileChangedError) && !job.signal.aborted) return true;
    throw error;
  } finally {
    clearTimeout(stallTimer);
  }
}

/**
 * How many chunks may be waiting to be hashed and stored while the next one is read: the fetch of chunk n+1
 * waits only for the commit of chunk n-1. Memory: this many chunks (each briefly twice, as the bytes being hashed
 * and the Blob being stored) plus the one being filled. bench/store measured deeper queues (3, 4) no faster, and
 * again with BYOB reads (depth 3: 224 vs 224 MB/s): on a 2-core machine the pipeline is bound by CPU time in all
 * (SHA-256 alone ~1.9 s per 765 MB), not by waiting on any one stage.
 */
const QUEUED_CHUNKS = 2;

function chunkLength(record: ModelRecord, file: StoredFile, index: number): number {
  return Math.max(0, Math.min(record.chunkBytes, file.size - index * record.chunkBytes));
}

/** Checks status, range and validators; returns how many leading bytes to drop (a server that ignored Range). */
function checkResponse(job: FileDownload, response: Response, offset: number): number {
  const { file, record } = job;
  if (response.status !== 200 && response.status !== 206) {
    throw new Error(`The server answered ${response.status} for ${file.path}.`);
  }
  const commit = response.headers.get('x-repo-commit');
  if (commit && record.commit && commit !== record.commit) throw new FileChangedError(`Commit ${commit} instead of ${record.commit}.`);
  const etag = normalizeEtag(response.headers.get('etag'));
  if (etag && file.etag && etag !== file.etag) throw new FileChangedError(`${file.path} has a new ETag.`);
  if (etag) file.etag = etag;
  if (response.status === 200) return offset;
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  if (range && Number(range[1]) !== offset) throw new TypeError(`The server sent bytes from ${range[1]}, not ${offset}.`);
  if (range && range[3] !== '*' && Number(range[3]) !== file.size) throw new FileChangedError(`${file.path} changed size.`);
  return 0;
}

function normalizeEtag(value: string | null): string | undefined {
  return value ? value.replace(/^W\//, '').replace(/"/g, '') : undefined;
}
