import type { Backend } from '../protocol/model-fit';
import { downloadFile, type StoreNotice } from './file-download';
import { inThreadHasher, type HasherFactory } from './file-hasher';
import { hubCheckpointSource } from './convert/checkpoint-source';
import { HubClient, type HubFile } from './hub-client';
import { checkPinnedListing, rememberListing } from './listing-pins';
import { selectModelFiles, type ModelEntry } from './model-registry';
import { ProgressMeter, type ProgressFigures } from './progress-meter';
import { DEFAULT_STALL_MS } from './retry-policy';
import { withModelLock } from './model-lock';
import { ChecksumMismatchError, StorageFullError } from './store-errors';
import { fileBytesStored, recordBytesStored, recordTotalBytes, type ModelRecord, type WeightDb } from './weight-db';

/**
 * A whole model's download: plan it (pin the commit, list the files, compare their size with the free
 * space), then, with the user's consent for that size, fetch every file that is not yet verified.
 * Resuming reuses the stored plan, so the same commit and files are fetched whatever the branch does now.
 */
/**
 * One IndexedDB transaction per chunk (chunk and progress record together) has a fixed cost, so larger chunks
 * store faster: on the bench model, 64 MiB stored 1.1-1.15x as fast as 16 MiB through the whole pipeline (three
 * runs of five back-to-back pairs) and 1.6x with IndexedDB writes alone; 32 MiB showed no clear gain. The price:
 * up to one chunk refetched after a crash, about three chunks held while downloading, one more while reading a
 * file with bytes(). Records keep their own chunkBytes, so downloads begun with another size resume with it.
 */
export const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;
/** A file that fails its checksum is fetched once more before the download gives up on it. */
const ATTEMPTS_PER_FILE = 2;

export interface StoreDeps {
  db: WeightDb;
  fetchFn: typeof fetch;
  estimate: () => Promise<StorageEstimate>;
  /** Where hashing runs; the engine host moves it to a worker. */
  createHasher?: HasherFactory;
  /** Web Locks: every write to a model holds its lock (model-lock.ts). */
  locks: LockManager;
}

export interface SpaceFigures {
  usageBytes: number;
  quotaBytes: number;
  availableBytes: number;
}

export interface DownloadPlan extends SpaceFigures {
  commit: string | undefined;
  /** Bytes fetched in all. */
  totalBytes: number;
  /** Bytes the model will take once stored (a converted model's graph, not its checkpoint). */
  occupiesBytes: number;
  /** Bytes stored already, and still to store. */
  storedBytes: number;
  remainingBytes: number;
  /** The graph that will be stored. */
  backend: Backend;
  dtype: string;
  /** The hub or mirror the files come from. */
  hubBaseUrl: string;
  fits: boolean;
}

export interface DownloadProgress {
  overall: ProgressFigures;
  file: { path: string; bytes: number; size: number };
}

export type DownloadOutcome =
  | { status: 'verified'; commit: string | undefined; totalBytes: number; fetchedBytes: number }
  | ({ status: 'quota-exceeded'; neededBytes: number; otherModels: Array<{ id: string; label: string; bytes: number }> } & SpaceFigures);

export interface DownloadRequest {
  entry: ModelEntry;
  hubBaseUrl: string;
  /** The size the user agreed to download; must cover the whole model. */
  approvedBytes: number;
  chunkBytes?: number;
  stallMs?: number;
  signal: AbortSignal;
  onProgress(progress: DownloadProgress): void;
  onNotice(notice: StoreNotice): void;
}

export async function spaceFigures(estimate: StoreDeps['estimate']): Promise<SpaceFigures> {
  const { usage = 0, quota = 0 } = await estimate();
  return { usageBytes: usage, quotaBytes: quota, availableBytes: Math.max(0, quota - usage) };
}

/**
 * The stored record for `entry`, or a fresh one from the hub's listing (not saved until a download starts, when
 * the listing is remembered: see listing-pins.ts).
 */
async function recordFor(deps: StoreDeps, entry: ModelEntry, hubBaseUrl: string, chunkBytes: number, signal: AbortSignal): Promise<{ record: ModelRecord; listing?: HubFile[] }> {
  const stored = await deps.db.getModel(entry.id);
  if (stored) return { record: stored };
  if (entry.source !== 'hub' || !entry.repo || !entry.revision) throw new Error(`${entry.label} has no files in the store and no hub to fetch them from.`);
  const hub = new HubClient(entry.baseUrl ?? hubBaseUrl, deps.fetchFn);
  const commit = await hub.resolveCommit(entry.repo, entry.revision, signal);
  const target = entry.targets[0];
  if (entry.format !== 'onnx' || !target) throw new Error(`${entry.label} is a checkpoint to convert, not an ONNX download.`);
  const listing = await hub.listFiles(entry.repo, commit, signal);
  await checkPinnedListing(deps.db, entry.repo, commit, listing, entry.pinnedDigests, hub.baseUrl);
  const files = selectModelFiles(listing, target.dtype);
  const record: ModelRecord = {
    entry,
    backend: target.backend,
    dtype: target.dtype,
    commit,
    chunkBytes,
    files: files.map((file) => ({ ...file, chunks: 0, verified: false })),
    state: 'partial',
    updatedAt: Date.now(),
  };
  return { record, listing };
}

export async function planDownload(
  deps: StoreDeps,
  entry: ModelEntry,
  hubBaseUrl: string,
  signal: AbortSignal,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Promise<{ record: ModelRecord; plan: DownloadPlan; listing?: HubFile[] }> {
  const { record, listing } = await recordFor(deps, entry, hubBaseUrl, chunkBytes, signal);
  const totalBytes = recordTotalBytes(record);
  const storedBytes = recordBytesStored(record);
  const space = await spaceFigures(deps.estimate);
  const remainingBytes = totalBytes - storedBytes;
  return {
    record,
    ...(listing ? { listing } : {}),
    plan: { commit: record.commit, totalBytes, occupiesBytes: totalBytes, storedBytes, remainingBytes, backend: record.backend, dtype: record.dtype, hubBaseUrl: entry.baseUrl ?? hubBaseUrl, ...space, fits: remainingBytes <= space.availableBytes },
  };
}

/**
 * The most of an ONNX graph file read before consent. Graphs with external data are small (the official 8B's is
 * well under 1 MB); a graph file larger than this holds its weights inline, and reading it would be a download.
 */
const MAX_GRAPH_BEFORE_CONSENT = 64_000_000;

/**
 * An ONNX model's graph file, to check before its data is downloaded: from the store when an earlier download
 * verified it, else from the hub (checked against its digest, kept only in memory: nothing is stored before
 * consent).
 */
export async function readGraphFile(deps: Pick<StoreDeps, 'fetchFn' | 'db'>, record: ModelRecord, hubBaseUrl: string, signal: AbortSignal, stallMs?: number): Promise<Uint8Array> {
  const { entry } = record;
  const file = record.files.find((f) => f.path === `onnx/model_${record.dtype}.onnx`);
  if (!file || !entry.repo || !record.commit) throw new Error(`${entry.label} has no graph file to check.`);
  if (file.size > MAX_GRAPH_BEFORE_CONSENT) {
    throw new Error(`${entry.label}'s graph file ${file.path} takes ${Math.round(file.size / 1e6)} MB: its weights are inside it rather than in data files, and Pagewise reads at most ${MAX_GRAPH_BEFORE_CONSENT / 1e6} MB of a model before you agree to download it.`);
  }
  const stored = await deps.db.getModel(entry.id);
  const storedFile = stored?.commit === record.commit ? stored.files.find((f) => f.path === file.path && f.verified) : undefined;
  if (storedFile) return new Uint8Array(await new Blob(await deps.db.getChunks(entry.id, file.path, storedFile.chunks)).arrayBuffer());
  const hub = new HubClient(entry.baseUrl ?? hubBaseUrl, deps.fetchFn);
  const source = hubCheckpointSource(hub, entry.repo, record.commit, deps.fetchFn, stallMs);
  return source.whole({ path: file.path, size: file.size, digest: file.digest }, signal);
}

async function quotaOutcome(deps: StoreDeps, neededBytes: number, except: string): Promise<DownloadOutcome> {
  const others = (await deps.db.listModels()).filter((record) => record.entry.id !== except);
  return {
    status: 'quota-exceeded',
    neededBytes,
    ...(await spaceFigures(deps.estimate)),
    otherModels: others.map((record) => ({ id: record.entry.id, label: record.entry.label, bytes: recordBytesStored(record) })),
  };
}

/** Downloads (or resumes) a model; refused at once while another context writes the same model. */
export function downloadModel(deps: StoreDeps, request: DownloadRequest): Promise<DownloadOutcome> {
  const busyMessage = `${request.entry.label} is already downloading, or being changed elsewhere.`;
  return withModelLock(deps.locks, request.entry.id, { busyMessage }, () => downloadUnlocked(deps, request));
}

/** How long a delete waits for whoever writes the model to let go (a cancelled download stops within a chunk). */
const DELETE_WAIT_MS = 15_000;

/**
 * Deletes a model's record and every chunk, once whoever writes it now has let go (cancel a download first):
 * nothing can land after the delete. A writer that does not stop in time (another page's import) fails the
 * delete with ModelBusyError instead of leaving it waiting.
 */
export async function deleteStoredModel(deps: Pick<StoreDeps, 'db' | 'locks'>, modelId: string): Promise<number> {
  return withModelLock(deps.locks, modelId, { waitMs: DELETE_WAIT_MS, busyMessage: 'This model is being imported or changed elsewhere; delete it when that is done.' }, async () => {
    const record = await deps.db.getModel(modelId);
    await deps.db.deleteModel(modelId);
    return record ? recordBytesStored(record) : 0;
  });
}

/**
 * Space ran out: the file being stored goes (its bytes are freed and nothing half-stored lingers), the files
 * already verified stay, so the download resumes from them once the user has made room. The record is kept
 * only while it counts a verified file.
 */
async function dropUnfinishedFiles(db: WeightDb, record: ModelRecord): Promise<void> {
  if (!record.files.some((file) => file.verified)) {
    await db.deleteModel(record.entry.id);
    return;
  }
  for (const file of record.files) {
    if (file.verified || (file.chunks === 0 && !file.hashState)) continue;
    file.chunks = 0;
    delete file.hashState;
    delete file.etag;
    await db.discardFile(record, file.path);
  }
}

async function downloadUnlocked(deps: StoreDeps, request: DownloadRequest): Promise<DownloadOutcome> {
  const { entry, signal } = request;
  const { record, plan, listing } = await planDownload(deps, entry, request.hubBaseUrl, signal, request.chunkBytes);
  if (request.approvedBytes < plan.totalBytes) {
    throw new Error(`Downloading ${entry.label} needs consent for ${plan.totalBytes} bytes.`);
  }
  if (!plan.fits) return quotaOutcome(deps, plan.remainingBytes, entry.id);
  if (!(await deps.db.getModel(entry.id))) {
    if (entry.repo && record.commit && listing) await rememberListing(deps.db, entry.repo, record.commit, listing, plan.hubBaseUrl);
    await deps.db.putModel(record);
  }

  const hub = entry.repo ? new HubClient(entry.baseUrl ?? request.hubBaseUrl, deps.fetchFn) : undefined;
  const meter = new ProgressMeter(plan.storedBytes, plan.totalBytes);
  let fetchedBytes = 0;
  try {
    // One file at a time. Two in flight (so one file's commits overlap the other's reading and hashing) measured
    // 0.97-1.04x on bench/store's model: the 2-core bench machine is already busy for ~85% of the download.
    for (const file of record.files) {
      if (file.verified) continue;
      // Space can go while we download (other sites, other models): check before each file, not only at the start.
      if (recordTotalBytes(record) - recordBytesStored(record) > (await spaceFigures(deps.estimate)).availableBytes) throw new StorageFullError();
      if (!hub || !entry.repo || !record.commit) throw new Error(`${file.path} is missing and ${entry.label} has no hub to fetch it from.`);
      for (let attempt = 1; ; attempt++) {
        try {
          await downloadFile({
            db: deps.db,
            record,
            file,
            url: hub.resolveUrl(entry.repo, record.commit, file.path),
            fetchFn: deps.fetchFn,
            signal,
            stallMs: request.stallMs ?? DEFAULT_STALL_MS,
            createHasher: deps.createHasher ?? inThreadHasher,
            onBytes: (delta) => {
              if (delta > 0) fetchedBytes += delta;
              meter.add(delta);
              request.onProgress({ overall: meter.figures(), file: { path: file.path, bytes: fileBytesStored(record, file), size: file.size } });
            },
            onNotice: request.onNotice,
          });
          break;
        } catch (error) {
          if (!(error instanceof ChecksumMismatchError) || attempt >= ATTEMPTS_PER_FILE) throw error;
        }
      }
    }
  } catch (error) {
    if (!(error instanceof StorageFullError)) throw error;
    await dropUnfinishedFiles(deps.db, record);
    return quotaOutcome(deps, recordTotalBytes(record) - recordBytesStored(record), entry.id);
  }
  record.state = 'verified';
  await deps.db.putModel(record);
  return { status: 'verified', commit: record.commit, totalBytes: plan.totalBytes, fetchedBytes };
}
