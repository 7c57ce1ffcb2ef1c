import { ExportRun } from '../../model/export/export-run';
import { decodeTensor } from '../../model/safetensors';
import { inThreadHasher, type ChunkHasher } from '../file-hasher';
import { HubClient, type HubFile } from '../hub-client';
import { spaceFigures, type DownloadOutcome, type DownloadPlan, type DownloadProgress, type StoreDeps } from '../model-download';
import { checkPinnedListing, rememberListing } from '../listing-pins';
import { withModelLock } from '../model-lock';
import type { ModelEntry, ModelTarget } from '../model-registry';
import { ProgressMeter } from '../progress-meter';
import { backoffMs, DEFAULT_STALL_MS, isTransient, MAX_CONSECUTIVE_FAILURES, RetryableHttpError, sleep } from '../retry-policy';
import type { StoreNotice } from '../file-download';
import { isBlobWriteError, isQuotaError, StorageFullError } from '../store-errors';
import { CONVERSION_START, recordBytesStored, type ConversionRecord, type ModelRecord, type StoredFile } from '../weight-db';
import { COMPUTED, hashedAs, hubCheckpointSource, SourceChecksumError, type CheckpointSource, type SourceFile } from './checkpoint-source';
import { parseJson, planConversion, readWhole, type ConversionPlan } from './conversion-plan';
import { folderCheckpointSource, folderListing, type CheckpointFolder } from './folder-checkpoint-source';
import { textOutputs } from './converted-text-files';
import { OutputWriter } from './output-writer';
import { ShardStream } from './shard-stream';

/**
 * A checkpoint converted in the browser, as a download is: plan it (pin the commit, read the config and the
 * shards' headers, lay out the output), then with the user's consent stream each weight file once, in order,
 * hashing it against the hub's SHA-256, handing each tensor to the export's jobs as it completes and writing
 * their output into the store as it comes. Memory stays at about the largest tensor (as float32) and what the
 * jobs hold; a dropped connection, a closed browser or a killed document resume from the last stored chunk's
 * quiet point. The model is usable only once every source file matched its checksum and every output file is
 * stored; a source that does not match is fetched again once, from scratch, then refused.
 *
 * A checkpoint in a folder on this computer goes the same way, read from its files instead of fetched: each
 * file's SHA-256 is computed as it is read and recorded (nothing was published to check it against), and a
 * conversion stopped halfway resumes when the same files are picked again.
 */
export interface ConversionSettings {
  entry: ModelEntry;
  /** Graphs this device runs, best first (the engine's fit rules decided): the first the checkpoint allows is made. */
  targets: readonly ModelTarget[];
  /** The download size the user agreed to; must cover every source byte. */
  approvedBytes: number;
  /** What the user agreed the converted model may occupy; absent, only the download is bound. */
  approvedStoredBytes?: number;
  /** Recorded with the model; a conversion begun by another version starts over. */
  pagewiseVersion: string;
  chunkBytes?: number;
  stallMs?: number;
}

/** Where the checkpoint is read: the hub at this address (unless the entry names its mirror), or a picked folder. */
export type CheckpointOrigin = { hubBaseUrl: string } | { folder: CheckpointFolder };

/** A conversion as it is handed to its worker (a folder's Files go along: they clone). */
export type ConversionJob = ConversionSettings & CheckpointOrigin;

export type ConversionRequest = ConversionJob & {
  signal: AbortSignal;
  onProgress(progress: DownloadProgress): void;
  onNotice(notice: StoreNotice): void;
};

interface Planned {
  plan: ConversionPlan;
  /** The hub commit the files come from; absent for a folder. */
  commit: string | undefined;
  folder: string | undefined;
  source: CheckpointSource;
  /** The hub's listing the plan stands on, and who served it; absent for a folder. */
  listing?: { files: readonly HubFile[]; from: string };
}

/** A source that fails its checksum is fetched once more, the whole conversion again, before it is refused. */
const ATTEMPTS = 2;

type PlanInput = Pick<ConversionSettings, 'entry' | 'targets' | 'stallMs'> & CheckpointOrigin;

function planFor(deps: Pick<StoreDeps, 'fetchFn' | 'db'>, input: PlanInput, signal: AbortSignal, commit: string | undefined): Promise<Planned> {
  return 'folder' in input ? planFromFolder(input.entry, input.targets, input.folder, signal) : planFromHub(deps, input, signal, commit);
}

async function planFromFolder(entry: ModelEntry, targets: readonly ModelTarget[], folder: CheckpointFolder, signal: AbortSignal): Promise<Planned> {
  if (entry.format !== 'safetensors' || entry.source !== 'local') throw new Error(`${entry.label} is not a checkpoint from a folder.`);
  const source = folderCheckpointSource(folder);
  return { plan: await planConversion(source, folderListing(folder), `The folder ${folder.name}`, targets, signal), commit: undefined, folder: folder.name, source };
}

async function planFromHub(deps: Pick<StoreDeps, 'fetchFn' | 'db'>, input: PlanInput & { hubBaseUrl: string }, signal: AbortSignal, commit: string | undefined): Promise<Planned> {
  const { entry, targets } = input;
  if (entry.format !== 'safetensors' || !entry.repo || !entry.revision) throw new Error(`${entry.label} is not a checkpoint on a hub.`);
  const hub = new HubClient(entry.baseUrl ?? input.hubBaseUrl, deps.fetchFn);
  const pinned = commit ?? (await hub.resolveCommit(entry.repo, entry.revision, signal));
  const listing = await hub.listFiles(entry.repo, pinned, signal);
  await checkPinnedListing(deps.db, entry.repo, pinned, listing, entry.pinnedDigests, hub.baseUrl);
  const source = hubCheckpointSource(hub, entry.repo, pinned, deps.fetchFn, input.stallMs);
  return { plan: await planConversion(source, listing, entry.repo, targets, signal), commit: pinned, folder: undefined, source, listing: { files: listing, from: hub.baseUrl } };
}

/** What converting `entry` will fetch and store, against the free space: the consent screen. */
export async function planModelConversion(deps: StoreDeps, entry: ModelEntry, targets: readonly ModelTarget[], hubBaseUrl: string, signal: AbortSignal, stallMs?: number): Promise<DownloadPlan> {
  const stored = await deps.db.getModel(entry.id);
  const planned = await planFor(deps, { entry, targets, hubBaseUrl, ...(stallMs ? { stallMs } : {}) }, signal, stored?.commit);
  const { stored: _, ...figures } = await consentFigures(deps, planned.plan, stored);
  return { commit: planned.commit, hubBaseUrl: entry.baseUrl ?? hubBaseUrl, ...figures };
}

/**
 * What converting the checkpoint in `folder` will read and store, against the free space: the consent screen. A
 * model of the entry's id already stored is `resumable` (the same files, stopped halfway), `verified` (converted from
 * these files already) or `replaced` (from other files: the conversion deletes it).
 */
export type FolderConversionPlan = Omit<DownloadPlan, 'commit' | 'hubBaseUrl'> & { stored: 'none' | 'resumable' | 'verified' | 'replaced' };

export async function planFolderConversion(deps: Pick<StoreDeps, 'db' | 'estimate'>, entry: ModelEntry, targets: readonly ModelTarget[], folder: CheckpointFolder, signal: AbortSignal): Promise<FolderConversionPlan> {
  const planned = await planFromFolder(entry, targets, folder, signal);
  return consentFigures(deps, planned.plan, await deps.db.getModel(entry.id));
}

async function consentFigures(deps: Pick<StoreDeps, 'estimate'>, plan: ConversionPlan, stored: ModelRecord | undefined): Promise<FolderConversionPlan> {
  const resumable = stored && sameConversion(stored, plan) ? stored : undefined;
  const storedBytes = resumable ? recordBytesStored(resumable) : 0;
  const space = await spaceFigures(deps.estimate);
  const remainingBytes = plan.storedBytes - storedBytes;
  return {
    totalBytes: plan.downloadBytes,
    occupiesBytes: plan.storedBytes,
    storedBytes,
    remainingBytes,
    backend: plan.target.backend,
    dtype: plan.target.dtype,
    ...space,
    fits: remainingBytes <= space.availableBytes,
    stored: !stored ? 'none' : !resumable ? 'replaced' : resumable.state === 'verified' ? 'verified' : 'resumable',
  };
}

export function convertModel(deps: StoreDeps, request: ConversionRequest): Promise<DownloadOutcome> {
  const busyMessage = `${request.entry.label} is already being downloaded, or being changed elsewhere.`;
  return withModelLock(deps.locks, request.entry.id, { busyMessage }, () => convertUnlocked(deps, request));
}

async function convertUnlocked(deps: StoreDeps, request: ConversionRequest): Promise<DownloadOutcome> {
  const { entry, signal } = request;
  let record = await deps.db.getModel(entry.id);
  let planned = await planFor(deps, request, signal, record?.commit);
  const { plan } = planned;
  if (request.approvedBytes < plan.downloadBytes) throw new Error(`Converting ${entry.label} needs consent for ${plan.downloadBytes} bytes of download.`);
  // What the consent screen said it would occupy: a source that now describes a larger model (another config.json
  // than the one planned from) is refused before anything is stored.
  if (request.approvedStoredBytes !== undefined && plan.storedBytes > request.approvedStoredBytes) {
    throw new Error(`Converted now, ${entry.label} would occupy ${plan.storedBytes} bytes, more than the ${request.approvedStoredBytes} agreed to. Nothing was stored: ask for it again.`);
  }
  if (entry.repo && planned.commit && planned.listing) await rememberListing(deps.db, entry.repo, planned.commit, planned.listing.files, planned.listing.from);
  // Another graph, another version of Pagewise, another commit or other files: nothing stored can be reused. It
  // goes when the new conversion starts (startRecord), so a checkpoint refused before then loses nothing.
  const replacedBytes = record && !sameConversion(record, plan, request.pagewiseVersion) ? recordBytesStored(record) : undefined;
  if (replacedBytes !== undefined) record = undefined;
  // The small files are written when a conversion starts, not by the pass that resumes: without them (a re-verify
  // found damage and emptied the model), it starts again.
  if (record && !smallFilesStored(record, plan)) record = undefined;
  const space = await spaceFigures(deps.estimate);
  if (plan.storedBytes - (record ? recordBytesStored(record) : 0) > space.availableBytes + (replacedBytes ?? 0)) return quotaOutcome(deps, plan.storedBytes, entry.id);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        record ??= await startRecord(deps, request, planned);
        await convertStored(deps, request, planned, record);
        break;
      } catch (error) {
        if (!(error instanceof SourceChecksumError) || attempt >= ATTEMPTS) throw error;
        request.onNotice({ type: 'discarded', path: error.path, reason: 'checksum', bytes: record ? recordBytesStored(record) : 0 });
        await deps.db.deleteModel(entry.id);
        record = undefined;
        // The plan came from headers that may have arrived wrong too: read everything again.
        planned = await planFor(deps, request, signal, planned.commit);
      }
    }
  } catch (error) {
    if (!isQuotaError(error)) throw error;
    // Nothing half-stored may linger when space ran out: the user gets the figures and the space back.
    await deps.db.deleteModel(entry.id);
    return quotaOutcome(deps, plan.storedBytes, entry.id);
  }
  record.state = 'verified';
  record.conversion!.finishedAt = Date.now();
  await deps.db.putModel(record);
  return { status: 'verified', commit: planned.commit, totalBytes: plan.downloadBytes, fetchedBytes: plan.downloadBytes };
}

function smallFilesStored(record: ModelRecord, plan: ConversionPlan): boolean {
  const data = new Set(plan.layout.dataFiles.map((file) => `onnx/${file.name}`));
  return record.files.every((file) => data.has(file.path) || file.verified);
}

/** A record that continues this plan: same graph, same source files (same commit) and headers, and the same Pagewise that began it. */
function sameConversion(record: ModelRecord, plan: ConversionPlan, version?: string): boolean {
  const c = record.conversion;
  return (
    c !== undefined &&
    (version === undefined || c.pagewiseVersion === version) &&
    record.backend === plan.target.backend &&
    record.dtype === plan.target.dtype &&
    sameSources(c.sources, plan) &&
    c.headerDigests?.length === plan.headerDigests.length &&
    c.headerDigests.every((hex, i) => hex === plan.headerDigests[i]) &&
    record.files.some((file) => file.path === plan.graphPath && file.size === plan.graph.byteLength)
  );
}

/**
 * The recorded sources are the plan's files: the same names and sizes, not changed since (a folder's files), and
 * the same digests where the plan has read a file already and the record had too.
 */
function sameSources(recorded: ConversionRecord['sources'], plan: ConversionPlan): boolean {
  const files = sourcesOf(plan);
  return (
    recorded.length === files.length &&
    files.every((file, i) => {
      const known = plan.digests.get(file.path);
      const { path, size, modifiedAt, digest, verified } = recorded[i]!;
      return path === file.path && size === file.size && modifiedAt === file.modifiedAt && (!known || !verified || digest.hex === known.hex);
    })
  );
}

/** Every file a conversion reads, in the order its record lists them: the small files, then the weights. */
function sourcesOf(plan: ConversionPlan): SourceFile[] {
  return [...smallSources(plan), ...plan.shards];
}

function smallSources(plan: ConversionPlan): SourceFile[] {
  const { config, generationConfig, tokenizer, tokenizerConfig, chatTemplate, index } = plan.files;
  return [config, generationConfig, tokenizer, tokenizerConfig, chatTemplate, index].filter((file) => file !== undefined);
}

/**
 * The record a conversion starts from: the small files (config, tokenizer, chat template) fetched, checked and
 * turned into the model's own, the graph file, and the data files to fill, each stored or sized now.
 */
async function startRecord(deps: StoreDeps, request: ConversionRequest, { plan, commit, folder, source }: Planned): Promise<ModelRecord> {
  const chunkBytes = request.chunkBytes ?? DEFAULT_CHUNK;
  const tokenizer = await readWhole(source, plan.files.tokenizer, request.signal, plan.digests);
  // Stored as it is, and read only when the model loads: one that is not JSON would make a model that never runs.
  parseJson(tokenizer, 'tokenizer.json');
  const texts = textOutputs(plan, tokenizer);
  const record: ModelRecord = {
    entry: request.entry,
    backend: plan.target.backend,
    dtype: plan.target.dtype,
    commit,
    chunkBytes,
    files: [
      ...[...texts, { path: plan.graphPath, bytes: plan.graph }].map(({ path, bytes }): StoredFile => ({ path, size: bytes.byteLength, digest: { algorithm: 'sha256', hex: '' }, chunks: 0, verified: false })),
      ...plan.layout.dataFiles.map((file): StoredFile => ({ path: `onnx/${file.name}`, size: file.size, digest: { algorithm: 'sha256', hex: '' }, chunks: 0, verified: false })),
    ],
    state: 'partial',
    conversion: {
      // A small file's digest is known now (published and matched, or computed as it was read); a weight file's once it has streamed whole.
      sources: sourcesOf(plan).map((file) => {
        const read = plan.digests.get(file.path);
        return { path: file.path, size: file.size, digest: read ?? hashedAs(file), verified: read !== undefined, ...(file.modifiedAt !== undefined ? { modifiedAt: file.modifiedAt } : {}) };
      }),
      headerDigests: plan.headerDigests,
      ...(folder ? { folder } : {}),
      pagewiseVersion: request.pagewiseVersion,
      settings: { dtype: plan.target.dtype, backend: plan.target.backend, exportTarget: plan.exportTarget },
      resume: { ...CONVERSION_START },
      startedAt: Date.now(),
    },
    updatedAt: Date.now(),
  };
  // Whatever the store holds under this id is not this conversion (or there would be a record to continue).
  await deps.db.deleteModel(request.entry.id);
  await deps.db.putModel(record);
  for (const { path, bytes } of [...texts, { path: plan.graphPath, bytes: plan.graph }]) await storeWhole(deps, record, path, bytes);
  return record;
}

/** A small output file, stored at once with its SHA-256 (re-verifying checks it as it checks a download). */
async function storeWhole(deps: StoreDeps, record: ModelRecord, path: string, bytes: Uint8Array): Promise<void> {
  const file = record.files.find((f) => f.path === path)!;
  const hasher = await inThreadHasher(file.digest, file.size);
  const count = Math.ceil(bytes.length / record.chunkBytes);
  for (let index = 0; index < count; index++) {
    const chunk = bytes.slice(index * record.chunkBytes, (index + 1) * record.chunkBytes);
    await hasher.update(chunk.slice());
    file.chunks = index + 1;
    if (index === count - 1) {
      file.digest = { algorithm: 'sha256', hex: await hasher.digest() };
      file.verified = true;
    }
    await deps.db.putChunk(record, path, index, new Blob([chunk]));
  }
}

const DEFAULT_CHUNK = 64 * 1024 * 1024;

/** Runs from the record's resume point until every output byte is stored, retrying what the network breaks. */
async function convertStored(deps: StoreDeps, request: ConversionRequest, planned: Planned, record: ModelRecord): Promise<void> {
  const { plan } = planned;
  const meter = new ProgressMeter(sourceBytesDone(plan, record), plan.downloadBytes);
  let failures = 0;
  for (;;) {
    const before = recordBytesStored(record);
    try {
      await runFrom(deps, request, planned, record, meter);
      return;
    } catch (error) {
      if (request.signal.aborted) throw request.signal.reason;
      if (isQuotaError(error)) throw new StorageFullError();
      if (error instanceof SourceChecksumError) throw error;
      const retryable = isTransient(error) || isBlobWriteError(error);
      failures = recordBytesStored(record) > before ? 1 : failures + 1;
      if (!retryable || failures >= MAX_CONSECUTIVE_FAILURES) throw error;
      const waitMs = backoffMs(failures, error instanceof RetryableHttpError ? error.retryAfterMs : undefined);
      const shard = plan.shards[record.conversion!.resume.shard];
      request.onNotice({ type: 'retrying', path: shard?.path ?? request.entry.label, reason: error instanceof Error ? error.message : String(error), failures, waitMs });
      // Back to what the store holds: the resume point of the last stored chunk.
      meter.add(sourceBytesDone(plan, record) - meter.figures().bytes);
      await sleep(waitMs, request.signal);
    }
  }
}

/** Source bytes behind the resume point: whole shards before it, and its offset into its own. */
function sourceBytesDone(plan: ConversionPlan, record: ModelRecord): number {
  const { shard, shardOffset } = record.conversion!.resume;
  const small = smallSources(plan).reduce((sum, file) => sum + file.size, 0);
  return small + plan.shards.slice(0, shard).reduce((sum, file) => sum + file.size, 0) + shardOffset;
}


/** Hashes a shard's bytes in pieces of at most this (each copied to the hasher, which may be on another thread). */
const HASH_PIECE = 16 * 1024 * 1024;

/** One pass from the resume point: each remaining shard streamed from its offset, every tensor fed to the jobs. */
async function runFrom(deps: StoreDeps, request: ConversionRequest, { plan, source }: Planned, record: ModelRecord, meter: ProgressMeter): Promise<void> {
  const conversion = record.conversion!;
  const resume = { ...conversion.resume };
  const run = new ExportRun(plan.layout, resume.jobsDone);
  const createHasher = deps.createHasher ?? inThreadHasher;
  const dataFiles = plan.layout.dataFiles.map((file) => record.files.find((f) => f.path === `onnx/${file.name}`)!);
  const writer = new OutputWriter({ db: deps.db, createHasher, availableBytes: async () => (await spaceFigures(deps.estimate)).availableBytes }, record, dataFiles, resume.streamOffset);
  const progress = (path: string, bytes: number, size: number) => request.onProgress({ overall: meter.figures(), file: { path, bytes, size } });
  try {
    if (resume.tensor === 0 && resume.jobsDone === 0) {
      await writer.write(run.start());
      writer.noteQuiet({ tensor: 0, jobsDone: run.jobsDone, shard: 0, shardOffset: 0, shardHashState: Promise.resolve(undefined) });
    }
    for (let shard = resume.shard; shard < plan.shards.length; shard++) {
      const file = plan.shards[shard]!;
      const sourceRecord = conversion.sources.find((s) => s.path === file.path)!;
      const offset = shard === resume.shard ? resume.shardOffset : 0;
      const hasher = await createHasher(hashedAs(file), file.size, shard === resume.shard ? resume.shardHashState : undefined);
      try {
        await streamShard({ plan, source, file, shard, offset, hasher, run, writer, request, meter, progress });
        const hex = await hasher.digest();
        if (file.digest !== COMPUTED && hex !== file.digest.hex) throw new SourceChecksumError(file.path);
        sourceRecord.digest = { ...hashedAs(file), hex };
      } finally {
        hasher.close();
      }
      sourceRecord.verified = true;
    }
    if (run.jobsDone !== plan.layout.jobs.length) throw new Error(`${plan.layout.jobs.length - run.jobsDone} conversion jobs never got all their tensors.`);
    await writer.finish();
  } finally {
    await writer.close();
  }
  await deps.db.putModel(record);
}

interface ShardPass {
  plan: ConversionPlan;
  source: CheckpointSource;
  file: SourceFile;
  shard: number;
  offset: number;
  hasher: ChunkHasher;
  run: ExportRun;
  writer: OutputWriter;
  request: ConversionRequest;
  meter: ProgressMeter;
  progress(path: string, bytes: number, size: number): void;
}

/** Streams one weight file from `offset`: every byte hashed in order, every tensor a job reads decoded and fed. */
async function streamShard(pass: ShardPass): Promise<void> {
  const { plan, file, shard, run, writer, request, meter } = pass;
  // A resume point at a file's very end: nothing is left to fetch (a Range past the end is refused).
  if (pass.offset >= file.size) return;
  const stream = new ShardStream(pass.source, file, pass.offset, { signal: request.signal, stallMs: request.stallMs ?? DEFAULT_STALL_MS, onNotice: request.onNotice });
  let hashed: Promise<Uint8Array> = Promise.resolve(new Uint8Array());
  const hash = (bytes: Uint8Array) => {
    for (let at = 0; at < bytes.length; at += HASH_PIECE) hashed = pass.hasher.update(bytes.slice(at, Math.min(bytes.length, at + HASH_PIECE)));
  };
  const read = async (length: number): Promise<Uint8Array> => {
    // Bytes already read ahead (a body's buffered pieces, a file's slice) do not outlast a pause.
    request.signal.throwIfAborted();
    return stream.read(length, (piece) => {
      meter.add(piece);
      pass.progress(file.path, stream.position, file.size);
    });
  };
  try {
    const tensors = plan.tensors.map((tensor, index) => ({ tensor, index })).filter(({ tensor }) => tensor.shard === shard && tensor.begin >= stream.position);
    for (const { tensor, index } of tensors) {
      if (tensor.begin > stream.position) {
        const start = stream.position;
        const gap = await read(tensor.begin - start);
        // The header streams again here: what the plan was made from must be what the checksum covers.
        const planned = plan.headers[shard]!;
        const overlap = Math.max(0, Math.min(gap.length, planned.length - start));
        if (!sameBytes(gap.subarray(0, overlap), planned.subarray(start, start + overlap))) throw new SourceChecksumError(file.path);
        hash(gap);
      }
      if (plan.feeds.used.has(index)) {
        const bytes = await read(tensor.end - tensor.begin);
        hash(bytes);
        await writer.write(run.feed(plan.feeds.inputs(index, decodeTensor(tensor.dtype, bytes))));
      } else {
        // A tensor the graph does not read is only hashed, a piece at a time, each read once the hasher has taken
        // the one before: its size is the checkpoint's to choose (the config bounds the ones that are read).
        for (let left = tensor.end - tensor.begin; left > 0; left -= HASH_PIECE) {
          const piece = await read(Math.min(left, HASH_PIECE));
          await hashed;
          hash(piece);
        }
      }
      if (run.quiet) writer.noteQuiet({ tensor: index + 1, jobsDone: run.jobsDone, shard, shardOffset: stream.position, shardHashState: hashed });
    }
    while (stream.position < file.size) {
      const piece = await read(Math.min(file.size - stream.position, HASH_PIECE));
      await hashed;
      hash(piece);
    }
    await hashed;
  } finally {
    await stream.close();
  }
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

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
