import 'fake-indexeddb/auto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from 'idb-keyval';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeCheckpointWithout, writeFusedCheckpoint, writePublishedCheckpoint, writeShardedCheckpoint } from '../../../scripts/export/checkpoint-variants';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { startLocalHub, type LocalHub } from '../../../scripts/local-hub';
import { convertModel, planModelConversion, type ConversionRequest } from '../../../src/store/convert/convert-model';
import type { StoreNotice } from '../../../src/store/file-download';
import type { StoreDeps } from '../../../src/store/model-download';
import { customHubEntry, type ModelTarget } from '../../../src/store/model-registry';
import { verifyModel } from '../../../src/store/verify-model';
import { WeightDb } from '../../../src/store/weight-db';
import { exporterHashes, storedHashes as stored } from '../../support/converted-model';
import { memoryLocks } from '../../support/memory-locks';

/**
 * Checkpoints converted in the store as the extension does it, against a real local hub: the stored model is the
 * Node exporter's output byte for byte, whatever shape the checkpoint comes in and whatever the network does.
 */
const CHUNK = 64 * 1024;
const WASM_INT8: ModelTarget = { backend: 'wasm', dtype: 'int8' };
const GPU_Q4: ModelTarget = { backend: 'webgpu', dtype: 'q4' };
let root: string;
let dbs = 0;
const hubs: LocalHub[] = [];

function deps(quota = 10 * 1024 ** 3): StoreDeps {
  return { db: new WeightDb(createStore(`conversion-${++dbs}`, 'records')), fetchFn: fetch, estimate: async () => ({ usage: 0, quota }), locks: memoryLocks() };
}

async function hubFor(dir: string, repo: string): Promise<LocalHub> {
  const hub = await startLocalHub({ modelDir: dir, repo });
  hubs.push(hub);
  return hub;
}

function request(hub: LocalHub, targets: ModelTarget[], overrides: Partial<ConversionRequest> = {}): ConversionRequest & { notices: StoreNotice[] } {
  const notices: StoreNotice[] = [];
  return {
    entry: customHubEntry({ format: 'safetensors', repo: hub.repo, revision: 'main', baseUrl: hub.baseUrl }),
    targets,
    hubBaseUrl: hub.baseUrl,
    approvedBytes: Number.MAX_SAFE_INTEGER,
    pagewiseVersion: 'test',
    chunkBytes: CHUNK,
    stallMs: 2_000,
    signal: new AbortController().signal,
    onProgress: () => undefined,
    onNotice: (notice) => notices.push(notice),
    notices,
    ...overrides,
  };
}

/** SHA-256 of what the Node exporter writes for the same checkpoint, graph and target. */
function exported(checkpoint: string, target: ModelTarget, paths: string[]): Promise<Record<string, string>> {
  return exporterHashes(checkpoint, target, join(root, `export-${++dbs}`), paths);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pagewise-convert-'));
});
afterAll(async () => {
  for (const hub of hubs) await hub.close();
  await rm(root, { recursive: true, force: true });
});

describe('converting a checkpoint in the store', () => {
  test.each([
    ['a dense checkpoint in one file, to the WASM int8 graph', 'tiny-dense', 'single', WASM_INT8],
    ['an MoE checkpoint with per-expert tensors, to the WebGPU q4 graph', 'tiny-moe', 'single', GPU_Q4],
    ['an MoE checkpoint with fused experts', 'tiny-moe', 'fused', GPU_Q4],
    ['an MoE checkpoint in three shards', 'tiny-moe', 'sharded', GPU_Q4],
    // As Liquid AI publishes: BF16, the template in chat_template.jinja (folded into tokenizer_config.json).
    ['a BF16 checkpoint with chat_template.jinja', 'tiny-dense', 'published', WASM_INT8],
    // An untied LM head, and 20 MB of a tensor no graph reads (hashed in pieces, never held whole).
    ['a BF16 checkpoint with its own LM head and an unused tensor', 'tiny-dense', 'untied', WASM_INT8],
    ['a BF16 checkpoint with its own LM head, to the WebGPU q4 graph', 'tiny-dense', 'untied', GPU_Q4],
  ] as const)('%s: the stored model is the Node exporter\'s, byte for byte', async (_what, preset, shape, target) => {
    const source = ensureTestModel(preset).checkpoint;
    const checkpoint = shape === 'single' ? source : join(root, `${preset}-${shape}`);
    if (shape === 'fused') writeFusedCheckpoint(source, checkpoint);
    if (shape === 'sharded') writeShardedCheckpoint(source, checkpoint, 3);
    if (shape === 'published') writePublishedCheckpoint(source, checkpoint);
    if (shape === 'untied') writePublishedCheckpoint(source, checkpoint, { untiedHead: true, unusedBytes: 20_000_000 });
    const hub = await hubFor(checkpoint, `pagewise-test/${preset}-${shape}`);
    const d = deps();
    const req = request(hub, [target]);
    const plan = await planModelConversion(d, req.entry, [target], hub.baseUrl, req.signal);
    const outcome = await convertModel(d, req);
    expect(outcome).toMatchObject({ status: 'verified', totalBytes: plan.totalBytes });
    const hashes = await stored(d.db, req.entry.id);
    expect(hashes).toEqual(await exported(checkpoint, target, Object.keys(hashes)));
    const record = (await d.db.getModel(req.entry.id))!;
    expect(record.files.reduce((sum, f) => sum + f.size, 0)).toBe(plan.occupiesBytes);
    expect(record.conversion!.sources.every((s) => s.verified)).toBe(true);
    expect(await verifyModel(d, req.entry.id, new AbortController().signal, () => undefined)).toEqual({ verified: true, badFiles: [], missingFiles: [] });
    if (shape === 'untied') {
      // The head is its own weight, not the embedding's table read again.
      const graphPath = `onnx/model_${target.dtype}.onnx`;
      const graph = await d.db.getChunks(req.entry.id, graphPath, record.files.find((f) => f.path === graphPath)!.chunks);
      expect(await new Blob(graph).text()).toContain('lm_head.weight');
    }
    if (shape === 'published') {
      const [config] = await d.db.getChunks(req.entry.id, 'tokenizer_config.json', 1);
      expect(JSON.parse(await config!.text()).chat_template).toBe(await readFile(join(checkpoint, 'chat_template.jinja'), 'utf8'));
    }
  });

  test.each([
    ['in the weights', { corruptByteOnce: { path: 'model.safetensors', at: 400_000 } }, true],
    ['in the header', { corruptOnce: ['model.safetensors'] }, false],
  ])('a byte flipped in transit %s is caught, fetched again, and the result is still exact', async (_where, faults, discarded) => {
    const checkpoint = ensureTestModel('tiny-dense').checkpoint;
    const hub = await hubFor(checkpoint, `pagewise-test/flipped-${++dbs}`);
    hub.setFaults(faults);
    const d = deps();
    const req = request(hub, [WASM_INT8]);
    expect(await convertModel(d, req)).toMatchObject({ status: 'verified' });
    expect(hub.faultsServed().corrupt).toBe(1);
    // Deep in the weights only the file's checksum can tell, once it has streamed whole: the conversion starts over.
    // In the header it is read again at once, before anything is converted.
    if (discarded) expect(req.notices).toContainEqual(expect.objectContaining({ type: 'discarded', reason: 'checksum', path: 'model.safetensors' }));
    const hashes = await stored(d.db, req.entry.id);
    expect(hashes).toEqual(await exported(checkpoint, WASM_INT8, Object.keys(hashes)));
  });

  test('dropped connections, stalls and server errors resume from the last stored chunk, and the result is exact', async () => {
    const checkpoint = ensureTestModel('tiny-moe').checkpoint;
    const hub = await hubFor(checkpoint, 'pagewise-test/faulty');
    // Stalls hit the small reads (config, headers) as well as the weights: each is given up after stallMs.
    hub.setFaults({ drops: 12, dropSpacing: 150_000, serverErrors: 2, rateLimits: 1, stalls: 3, rate: 0.5, seed: 7 });
    const d = deps();
    const req = request(hub, [GPU_Q4]);
    const started = Date.now();
    expect(await convertModel(d, req)).toMatchObject({ status: 'verified' });
    console.log(`faulty hub: converted in ${Date.now() - started} ms through ${JSON.stringify(hub.faultsServed())}, ${req.notices.length} retries`);
    expect(hub.faultsServed().drop).toBeGreaterThanOrEqual(5);
    expect(hub.faultsServed().stall).toBe(3);
    const hashes = await stored(d.db, req.entry.id);
    expect(hashes).toEqual(await exported(checkpoint, GPU_Q4, Object.keys(hashes)));
  });

  test('stopped halfway, a conversion resumes where it stopped and ends byte-identical', async () => {
    const checkpoint = ensureTestModel('tiny-moe').checkpoint;
    const hub = await hubFor(checkpoint, 'pagewise-test/paused');
    const d = deps();
    const controller = new AbortController();
    hub.setThrottle(1_000_000);
    const first = request(hub, [GPU_Q4], { signal: controller.signal, onProgress: ({ overall }) => overall.bytes > overall.totalBytes / 2 && controller.abort() });
    await expect(convertModel(d, first)).rejects.toThrow();
    const halfway = (await d.db.getModel(first.entry.id))!;
    const stopped = halfway.files.reduce((sum, f) => sum + f.chunks, 0);
    expect(halfway.state).toBe('partial');
    expect(halfway.conversion!.resume.tensor).toBeGreaterThan(0);
    hub.setThrottle(undefined);
    const before = hub.contentRequests().length;
    expect(await convertModel(d, request(hub, [GPU_Q4]))).toMatchObject({ status: 'verified' });
    // The second pass asked for the weights from the resume point, not from the start.
    const { shardOffset } = halfway.conversion!.resume;
    const weights = hub.contentRequests().slice(before).filter((r) => r.path.startsWith('/cdn/') && r.rangeStart > 8);
    expect(weights.map((r) => r.rangeStart)).toEqual([shardOffset]);
    expect(stopped).toBeGreaterThan(0);
    const hashes = await stored(d.db, first.entry.id);
    expect(hashes).toEqual(await exported(checkpoint, GPU_Q4, Object.keys(hashes)));
  });

  test('a resume planned from another header than the first pass read starts over, and is refused by the checksum', async () => {
    // A mirror that serves the genuine file to the stream (its checksum matches) but a header naming two tensors of
    // the same shape the other way round to the Range requests: on a resume the header is not streamed again.
    const checkpoint = ensureTestModel('tiny-dense').checkpoint;
    const hub = await hubFor(checkpoint, `pagewise-test/swapped-${++dbs}`);
    const d = deps();
    const controller = new AbortController();
    hub.setThrottle(1_000_000);
    const first = request(hub, [WASM_INT8], { signal: controller.signal, onProgress: ({ overall }) => overall.bytes > overall.totalBytes / 2 && controller.abort() });
    await expect(convertModel(d, first)).rejects.toThrow();
    expect((await d.db.getModel(first.entry.id))!.conversion!.resume.tensor).toBeGreaterThan(0);
    hub.setThrottle(undefined);
    const [a, b] = ['model.layers.4.feed_forward.w1.weight', 'model.layers.5.feed_forward.w1.weight'];
    const swapping: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const range = new Headers(init?.headers).get('Range') ?? '';
      if (!String(input).endsWith('model.safetensors') || !/^bytes=8-\d+$/.test(range)) return response;
      const text = new TextDecoder().decode(await response.arrayBuffer());
      expect(text).toContain(a);
      const swapped = text.replaceAll(a, '\u0000').replaceAll(b, a).replaceAll('\u0000', b);
      return new Response(new TextEncoder().encode(swapped), { status: response.status, headers: response.headers });
    };
    const second = request(hub, [WASM_INT8]);
    await expect(convertModel({ ...d, fetchFn: swapping }, second)).rejects.toThrow(/did not match its published checksum/);
    expect((await d.db.getModel(first.entry.id))?.state).not.toBe('verified');
  });

  test.each([['a data file', 'onnx/model_int8.onnx_data'], ['the graph', 'onnx/model_int8.onnx']])('%s damaged in the store: re-verify empties the model and Resume converts it again, exactly', async (_what, path) => {
    const checkpoint = ensureTestModel('tiny-dense').checkpoint;
    const hub = await hubFor(checkpoint, `pagewise-test/damaged-${++dbs}`);
    const d = deps();
    const req = request(hub, [WASM_INT8]);
    expect(await convertModel(d, req)).toMatchObject({ status: 'verified' });
    const record = (await d.db.getModel(req.entry.id))!;
    const [chunk] = await d.db.getChunks(req.entry.id, path, 1);
    const bytes = new Uint8Array(await chunk!.arrayBuffer());
    bytes[bytes.length >> 1]! ^= 0x40;
    await d.db.putChunk(record, path, 0, new Blob([bytes]));
    const outcome = await verifyModel(d, req.entry.id, new AbortController().signal, () => undefined);
    expect(outcome).toMatchObject({ verified: false, badFiles: [path], convertAgain: true });
    expect(await d.db.countChunks()).toBe(0);
    expect(await convertModel(d, request(hub, [WASM_INT8]))).toMatchObject({ status: 'verified' });
    const hashes = await stored(d.db, req.entry.id);
    expect(hashes).toEqual(await exported(checkpoint, WASM_INT8, Object.keys(hashes)));
    expect(await verifyModel(d, req.entry.id, new AbortController().signal, () => undefined)).toEqual({ verified: true, badFiles: [], missingFiles: [] });
  });

  test('a conversion that would occupy more than the consent said is refused before anything is stored', async () => {
    const hub = await hubFor(ensureTestModel('tiny-dense').checkpoint, `pagewise-test/grown-${++dbs}`);
    const d = deps();
    const probe = request(hub, [WASM_INT8]);
    const plan = await planModelConversion(d, probe.entry, [WASM_INT8], hub.baseUrl, probe.signal);
    const req = request(hub, [WASM_INT8], { approvedBytes: plan.totalBytes, approvedStoredBytes: plan.occupiesBytes - 1 });
    await expect(convertModel(d, req)).rejects.toThrow(/would occupy \d+ bytes, more than the \d+ agreed to/);
    expect(await d.db.countChunks()).toBe(0);
    expect(await convertModel(d, request(hub, [WASM_INT8], { approvedBytes: plan.totalBytes, approvedStoredBytes: plan.occupiesBytes }))).toMatchObject({ status: 'verified' });
  });

  test('a quota too small for the converted model is reported before anything is fetched, and nothing is stored', async () => {
    const hub = await hubFor(ensureTestModel('tiny-dense').checkpoint, 'pagewise-test/small-quota');
    const d = deps(100_000);
    const req = request(hub, [WASM_INT8]);
    const outcome = await convertModel(d, req);
    expect(outcome).toMatchObject({ status: 'quota-exceeded' });
    expect(await d.db.countChunks()).toBe(0);
    expect(hub.contentRequests().filter((r) => r.path === 'model.safetensors' && r.rangeStart > 8)).toEqual([]);
  });

  test.each([
    ['an unknown model_type', (dir: string) => editConfig(dir, { model_type: 'llama' }), /unknown model_type "llama"/],
    ['a config whose layers disagree with the tensors', (dir: string) => editConfig(dir, { hidden_size: 96 }), /has shape \[512, 64\], but the config implies \[512, 96\]/],
    ['a truncated header', (dir: string) => truncateHeader(dir), /truncated|not a safetensors file/],
    ['a missing tensor', (dir: string) => dropTensor(dir, 'model.layers.3.conv.out_proj.weight'), /model\.layers\.3\.conv\.out_proj\.weight/],
  ])('%s is refused while planning, naming the problem, before any weight is fetched', async (_what, edit, message) => {
    const dir = join(root, `bad-${++dbs}`);
    writeShardedCheckpoint(ensureTestModel('tiny-dense').checkpoint, dir, 1);
    await edit(dir);
    const hub = await hubFor(dir, `pagewise-test/bad-${dbs}`);
    const d = deps();
    const req = request(hub, [WASM_INT8]);
    await expect(planModelConversion(d, req.entry, [WASM_INT8], hub.baseUrl, req.signal)).rejects.toThrow(message);
    await expect(convertModel(d, req)).rejects.toThrow(message);
    expect(hub.contentRequests().filter((r) => r.path.endsWith('.safetensors') && r.rangeStart > 8 && r.sentBytes > 1000)).toEqual([]);
    expect(await d.db.countChunks()).toBe(0);
  });
});

async function editConfig(dir: string, change: Record<string, unknown>): Promise<void> {
  const path = join(dir, 'config.json');
  await writeFile(path, JSON.stringify({ ...(JSON.parse(await readFile(path, 'utf8')) as object), ...change }));
}

/** The one-shard checkpoint in `dir` written again without the tensor `name`. */
async function dropTensor(dir: string, name: string): Promise<void> {
  const without = `${dir}-without`;
  writeCheckpointWithout(ensureTestModel('tiny-dense').checkpoint, without, [name]);
  writeShardedCheckpoint(without, dir, 1);
}

/** Cuts the shard inside its header: its length field then points past the end of the file. */
async function truncateHeader(dir: string): Promise<void> {
  const path = join(dir, 'model-00001-of-00001.safetensors');
  const bytes = await readFile(path);
  await writeFile(path, bytes.subarray(0, 100));
}
