import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { createStore } from 'idb-keyval';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeShardedCheckpoint } from '../../../scripts/export/checkpoint-variants';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { listingKind } from '../../../src/store/convert/checkpoint-files';
import { convertModel, planFolderConversion, type ConversionRequest } from '../../../src/store/convert/convert-model';
import type { CheckpointFolder } from '../../../src/store/convert/folder-checkpoint-source';
import type { StoreDeps } from '../../../src/store/model-download';
import { listModels } from '../../../src/store/model-list';
import { localCheckpointEntry, type ModelTarget } from '../../../src/store/model-registry';
import { verifyModel } from '../../../src/store/verify-model';
import { WeightDb } from '../../../src/store/weight-db';
import { exporterHashes, storedHashes } from '../../support/converted-model';
import { memoryLocks } from '../../support/memory-locks';

/**
 * A checkpoint in a folder on this computer, converted in the store as the options page does it: read from the
 * picked files (no network), each file's SHA-256 computed as it is read and recorded; the stored model is the Node
 * exporter's output byte for byte; a stop halfway resumes when the same files are picked again; a broken folder is
 * refused before any weight is read, and loses nothing.
 */
const CHUNK = 64 * 1024;
const WASM_INT8: ModelTarget = { backend: 'wasm', dtype: 'int8' };
const GPU_Q4: ModelTarget = { backend: 'webgpu', dtype: 'q4' };
let root: string;
let dbs = 0;

/** Reads of a picked file, as [start, end) byte ranges: what the conversion asked of the disk. */
type Reads = Map<string, Array<[number, number]>>;

/** A picked file that notes each range read from it (as the browser's File does, it reads through slice()). */
class WatchedFile extends File {
  constructor(
    bytes: Uint8Array<ArrayBuffer>,
    name: string,
    lastModified: number,
    private readonly reads: Array<[number, number]>,
  ) {
    super([bytes], name, { lastModified });
  }

  override slice(start = 0, end = this.size, type?: string): Blob {
    this.reads.push([start, end]);
    return super.slice(start, end, type);
  }
}

/** The folder as `<input webkitdirectory>` hands it over: every file under it, with its path inside it. */
async function pick(dir: string, reads: Reads = new Map(), extra: CheckpointFolder['files'] = []): Promise<CheckpointFolder> {
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  const files = await Promise.all(
    entries.map(async (entry) => {
      const absolute = join(entry.parentPath, entry.name);
      const path = relative(dir, absolute);
      const fileReads: Array<[number, number]> = [];
      reads.set(path, fileReads);
      return { path, file: new WatchedFile(await readFile(absolute), entry.name, (await stat(absolute)).mtimeMs, fileReads) };
    }),
  );
  return { name: basename(dir), files: [...files, ...extra] };
}

function deps(quota = 10 * 1024 ** 3): StoreDeps {
  return { db: new WeightDb(createStore(`folder-conversion-${++dbs}`, 'records')), fetchFn: () => Promise.reject(new Error('No network in these tests.')), estimate: async () => ({ usage: 0, quota }), locks: memoryLocks() };
}

function request(folder: CheckpointFolder, targets: ModelTarget[], overrides: Partial<ConversionRequest> = {}): ConversionRequest {
  return {
    entry: localCheckpointEntry(folder.name),
    targets,
    folder,
    approvedBytes: Number.MAX_SAFE_INTEGER,
    pagewiseVersion: 'test',
    chunkBytes: CHUNK,
    signal: new AbortController().signal,
    onProgress: () => undefined,
    onNotice: () => undefined,
    ...overrides,
  };
}

/** A copy of a checkpoint in a folder of its own name, in the shape asked for. */
async function folderOf(preset: 'tiny-dense' | 'tiny-moe', name: string, shards?: number): Promise<string> {
  const dir = join(root, name);
  if (shards) writeShardedCheckpoint(ensureTestModel(preset).checkpoint, dir, shards);
  else await cp(ensureTestModel(preset).checkpoint, dir, { recursive: true });
  return dir;
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

function exported(checkpoint: string, target: ModelTarget, paths: string[]): Promise<Record<string, string>> {
  return exporterHashes(checkpoint, target, join(root, `export-${++dbs}`), paths);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pagewise-folder-convert-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('converting a checkpoint from a folder on this computer', () => {
  test.each([
    ['a dense checkpoint in one file, to the WASM int8 graph', 'tiny-dense', undefined, WASM_INT8],
    ['an MoE checkpoint in three shards, to the WebGPU q4 graph', 'tiny-moe', 3, GPU_Q4],
  ] as const)("%s: the stored model is the Node exporter's, byte for byte, and says where it came from", async (_what, preset, shards, target) => {
    const dir = await folderOf(preset, `${preset}-${shards ?? 'single'}`, shards);
    // What else a folder holds is passed over: notes, hidden files, names no checkpoint file has.
    const junk = [
      { path: 'README.md', file: new Blob(['notes']) },
      { path: '.DS_Store', file: new Blob([new Uint8Array(10)]) },
      { path: '../outside.safetensors', file: new Blob([new Uint8Array(10)]) },
    ];
    const folder = await pick(dir, new Map(), junk);
    const d = deps();
    const req = request(folder, [target]);
    const plan = await planFolderConversion(d, req.entry, [target], folder, req.signal);
    expect(plan).toMatchObject({ backend: target.backend, dtype: target.dtype, stored: 'none', fits: true });
    const sourceFiles = (await readdir(dir)).sort();
    const sourceBytes = (await Promise.all(sourceFiles.map(async (file) => (await stat(join(dir, file))).size))).reduce((a, b) => a + b, 0);
    expect(plan.totalBytes).toBe(sourceBytes);

    let progressed = 0;
    const outcome = await convertModel(d, { ...req, onProgress: ({ overall }) => (progressed = overall.bytes) });
    expect(outcome).toMatchObject({ status: 'verified', totalBytes: plan.totalBytes });
    expect(progressed).toBe(plan.totalBytes);
    const hashes = await storedHashes(d.db, req.entry.id);
    expect(hashes).toEqual(await exported(dir, target, Object.keys(hashes)));

    const record = (await d.db.getModel(req.entry.id))!;
    expect(record).toMatchObject({ state: 'verified', commit: undefined, entry: { source: 'local', format: 'safetensors', label: folder.name } });
    expect(record.files.reduce((sum, f) => sum + f.size, 0)).toBe(plan.occupiesBytes);
    // No checksum was published for these files: each one's SHA-256 was computed as it was read, and recorded.
    const expected = await Promise.all(sourceFiles.map(async (path) => ({ path, algorithm: 'sha256', hex: await sha256Of(join(dir, path)), verified: true })));
    const { models } = await listModels(d, () => false);
    const listed = models.find((model) => model.id === req.entry.id)!;
    expect(listed.provenance).toMatchObject({ folder: folder.name, convertedBy: 'Pagewise test', exportTarget: target.backend === 'wasm' ? 'wasm' : 'gpu' });
    expect(listed.provenance!.sources).toEqual(expect.arrayContaining(expected));
    expect(listed.provenance!.sources).toHaveLength(expected.length);
    expect(await verifyModel(d, req.entry.id, new AbortController().signal, () => undefined)).toEqual({ verified: true, badFiles: [], missingFiles: [] });
  });

  test('stopped halfway, the conversion resumes from where it stopped when the same folder is picked again', async () => {
    const dir = await folderOf('tiny-moe', 'resumed');
    const d = deps();
    const controller = new AbortController();
    const first = request(await pick(dir), [GPU_Q4], { signal: controller.signal, onProgress: ({ overall }) => overall.bytes > overall.totalBytes / 2 && controller.abort() });
    await expect(convertModel(d, first)).rejects.toThrow();
    const halfway = (await d.db.getModel(first.entry.id))!;
    expect(halfway.state).toBe('partial');
    const { shardOffset } = halfway.conversion!.resume;
    expect(shardOffset).toBeGreaterThan(0);
    expect(halfway.conversion!.sources.find((s) => s.path === 'model.safetensors')).toMatchObject({ verified: false, digest: { hex: '' } });

    // Picked again (new File objects, as after closing the page): the plan says it carries on.
    const reads: Reads = new Map();
    const again = await pick(dir, reads);
    expect(await planFolderConversion(d, first.entry, [GPU_Q4], again, new AbortController().signal)).toMatchObject({ stored: 'resumable' });
    expect(await convertModel(d, request(again, [GPU_Q4]))).toMatchObject({ status: 'verified' });
    const headerEnd = Math.max(...reads.get('model.safetensors')!.filter(([start]) => start < 8 + 1).map(([, end]) => end));
    const weightReads = reads.get('model.safetensors')!.filter(([start]) => start >= headerEnd);
    expect(weightReads.length).toBeGreaterThan(0);
    expect(Math.min(...weightReads.map(([start]) => start))).toBe(shardOffset);
    // The SHA-256 carried across the stop (the hasher's saved state) is the whole file's.
    const record = (await d.db.getModel(first.entry.id))!;
    expect(record.conversion!.sources.find((s) => s.path === 'model.safetensors')).toMatchObject({ verified: true, digest: { hex: await sha256Of(join(dir, 'model.safetensors')) } });
    const hashes = await storedHashes(d.db, first.entry.id);
    expect(hashes).toEqual(await exported(dir, GPU_Q4, Object.keys(hashes)));
  });

  test('a folder whose files changed since a stop starts over, and the result is still exact', async () => {
    const dir = await folderOf('tiny-dense', 'changed', 2);
    const d = deps();
    const controller = new AbortController();
    const first = request(await pick(dir), [WASM_INT8], { signal: controller.signal, onProgress: ({ overall }) => overall.bytes > overall.totalBytes / 2 && controller.abort() });
    await expect(convertModel(d, first)).rejects.toThrow();
    expect((await d.db.getModel(first.entry.id))!.state).toBe('partial');
    const later = new Date(Date.now() + 60_000);
    await utimes(join(dir, 'model-00002-of-00002.safetensors'), later, later);
    const again = await pick(dir);
    expect(await planFolderConversion(d, first.entry, [WASM_INT8], again, new AbortController().signal)).toMatchObject({ stored: 'replaced', storedBytes: 0 });
    expect(await convertModel(d, request(again, [WASM_INT8]))).toMatchObject({ status: 'verified' });
    const hashes = await storedHashes(d.db, first.entry.id);
    expect(hashes).toEqual(await exported(dir, WASM_INT8, Object.keys(hashes)));
  });

  test('a converted model larger than the free space is refused with the figures before anything is stored', async () => {
    const folder = await pick(await folderOf('tiny-dense', 'no-room'));
    const d = deps(100_000);
    const plan = await planFolderConversion(d, localCheckpointEntry(folder.name), [WASM_INT8], folder, new AbortController().signal);
    expect(plan.fits).toBe(false);
    expect(await convertModel(d, request(folder, [WASM_INT8]))).toMatchObject({ status: 'quota-exceeded', neededBytes: plan.occupiesBytes });
    expect(await d.db.countChunks()).toBe(0);
  });

  describe('a broken or hostile folder is refused before any weight is read, naming the problem, and loses nothing', () => {
    /** A folder of the victim's name holding an edited copy of the tiny checkpoint, with a note of every read. */
    async function brokenFolder(edit: (dir: string) => Promise<unknown>): Promise<{ folder: CheckpointFolder; reads: Reads }> {
      const dir = join(root, `bad-${++dbs}`, 'victim');
      writeShardedCheckpoint(ensureTestModel('tiny-dense').checkpoint, dir, 1);
      await edit(dir);
      const reads: Reads = new Map();
      return { folder: await pick(dir, reads), reads };
    }

    /** Of the weights file only the header was read (its length, then the header itself from byte 8); the victim is as it was. */
    async function nothingLost(reads: Reads): Promise<void> {
      const pastHeaders = [...reads].filter(([path]) => path.endsWith('.safetensors')).flatMap(([, ranges]) => ranges).filter(([start]) => start > 8);
      expect(pastHeaders).toEqual([]);
      expect(await storedHashes(victim.d.db, victim.id)).toEqual(victim.hashes);
      expect((await victim.d.db.getModel(victim.id))!.state).toBe('verified');
    }

    const victim = { d: deps(), id: localCheckpointEntry('victim').id, hashes: {} as Record<string, string> };
    beforeAll(async () => {
      // A model converted earlier from a folder of the same name: a refused folder must leave it as it is.
      const folder = await pick(await folderOf('tiny-dense', join('good', 'victim')));
      expect(await convertModel(victim.d, request(folder, [WASM_INT8]))).toMatchObject({ status: 'verified' });
      victim.hashes = await storedHashes(victim.d.db, victim.id);
    });

    test.each([
      ['an unknown model_type', (dir: string) => editConfig(dir, { model_type: 'llama' }), /unknown model_type "llama"/],
      ['a config whose layers disagree with the tensors', (dir: string) => editConfig(dir, { hidden_size: 96 }), /has shape \[512, 64\], but the config implies \[512, 96\]/],
      ['a truncated header', (dir: string) => rewriteWeights(dir, (bytes) => bytes.subarray(0, 100)), /truncated|not a safetensors file/],
      ['a header length of a terabyte', (dir: string) => rewriteWeights(dir, (bytes) => withHeaderLength(bytes, 2 ** 40)), /claims 1099511627776 bytes/],
      ['a tensor of integers', (dir: string) => rewriteWeights(dir, (bytes) => replaceInHeader(bytes, '"dtype":"F32"', '"dtype":"I32"')), /has dtype I32; only F32, F16 and BF16 are read/],
      ['an empty weights file', (dir: string) => rewriteWeights(dir, () => new Uint8Array()), /0 bytes: too short for a safetensors file/],
      ['an empty tokenizer.json', (dir: string) => writeFile(join(dir, 'tokenizer.json'), ''), /tokenizer\.json is empty/],
      ['an index naming a file outside the folder', (dir: string) => writeIndex(dir, '../model-00001-of-00001.safetensors'), /names files that are not safetensors shards/],
      ['an index naming a shard the folder lacks', (dir: string) => writeIndex(dir, 'model-00002-of-00002.safetensors'), /names model-00002-of-00002\.safetensors, which the repository does not have|does not have/],
      ['no checkpoint at all', (dir: string) => rm(join(dir, 'model-00001-of-00001.safetensors')).then(() => rm(join(dir, 'model.safetensors.index.json'))), /has no safetensors checkpoint/],
    ])('%s', async (_what, edit, message) => {
      const { folder, reads } = await brokenFolder(edit);
      const req = request(folder, [WASM_INT8]);
      await expect(planFolderConversion(victim.d, req.entry, [WASM_INT8], folder, req.signal)).rejects.toThrow(message);
      await expect(convertModel(victim.d, req)).rejects.toThrow(message);
      await nothingLost(reads);
    });

    test('a tokenizer.json that is not JSON (read once the conversion starts, as from the hub)', async () => {
      const { folder, reads } = await brokenFolder((dir) => writeFile(join(dir, 'tokenizer.json'), '{"model": {"vocab"'));
      const req = request(folder, [WASM_INT8]);
      // The plan reads config and headers only: it offers to replace the model converted from other files.
      expect(await planFolderConversion(victim.d, req.entry, [WASM_INT8], folder, req.signal)).toMatchObject({ stored: 'replaced' });
      await expect(convertModel(victim.d, req)).rejects.toThrow(/tokenizer\.json is not a JSON object/);
      await nothingLost(reads);
    });
  });

  test('a folder is told apart by its files: a checkpoint, ONNX exports, or neither', () => {
    expect(listingKind(['config.json', 'model.safetensors', 'tokenizer.json'])).toBe('checkpoint');
    expect(listingKind(['config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors'])).toBe('checkpoint');
    expect(listingKind(['config.json', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data'])).toBe('onnx');
    expect(listingKind(['config.json', 'checkpoint/model.safetensors', 'notes.txt'])).toBeUndefined();
  });
});

async function editConfig(dir: string, change: Record<string, unknown>): Promise<void> {
  const path = join(dir, 'config.json');
  await writeFile(path, JSON.stringify({ ...(JSON.parse(await readFile(path, 'utf8')) as object), ...change }));
}

async function rewriteWeights(dir: string, change: (bytes: Uint8Array) => Uint8Array): Promise<void> {
  const path = join(dir, 'model-00001-of-00001.safetensors');
  await writeFile(path, change(new Uint8Array(await readFile(path))));
}

function withHeaderLength(bytes: Uint8Array, length: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setBigUint64(0, BigInt(length), true);
  return out;
}

/** The same header with one string replaced by another of the same length (so every offset still holds). */
function replaceInHeader(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
  if (!header.includes(from) || from.length !== to.length) throw new Error(`The header has no ${from} to replace.`);
  const out = bytes.slice();
  out.set(new TextEncoder().encode(header.replace(from, to)), 8);
  return out;
}

async function writeIndex(dir: string, shard: string): Promise<void> {
  const path = join(dir, 'model.safetensors.index.json');
  const index = JSON.parse(await readFile(path, 'utf8')) as { weight_map: Record<string, string> };
  const [first] = Object.keys(index.weight_map);
  await writeFile(path, JSON.stringify({ ...index, weight_map: { ...index.weight_map, [first!]: shard } }));
}
