import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { link, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { exportCheckpoint } from '../scripts/export/export-checkpoint';
import { makeTestModel, sourceHash } from '../scripts/export/test-models';
import { startLocalHub, type LocalHub } from '../scripts/local-hub';
import { DIST } from '../scripts/lib/chromium';
import { launchExtension } from '../test/e2e/harness/launch-extension';
import { DEFAULT_CHUNK_BYTES } from '../src/store/model-download';
import { median, type Benchmark, type Figure } from './figure';
import { cpuSeconds, cpuSpent, peakGrowth } from './lib/browser-process';
import { call } from './lib/engine-call';

/**
 * Weight store figures on the `lfm2.5-1.2b` preset (several external data files), served by the local hub:
 * - download_ratio: store throughput (fetch, hash, IndexedDB) over raw fetch throughput of the same files (q4);
 * - cold_load_ratio: cached model to a loaded engine in the browser (`engine.load`, which reads the store tensor by
 *   tensor, each let go of once ORT copied it: src/offscreen/store-model-source.ts), over onnxruntime-node from disk;
 * - peak_memory_ratio: growth of the browser's memory while loading, over the size of the files loaded.
 * Both load figures come from the CPU path (int8 on WASM) with the WebGPU path (q4) in the notes.
 */
const ROOT = resolve(import.meta.dirname, '..');
const MODEL_DIR = join(ROOT, '.cache/bench-models/lfm2.5-1.2b');
/** Other work shares this machine: each repetition pairs the two sides back to back and the ratio is the median of the pairs. */
const REPS = 5;
const CHUNK_BYTES = 512 * 1024 * 1024;
type Dtype = 'q4' | 'int8';

/**
 * The two ways the extension loads the 1.2B model. The CPU path is the one the capability probe picks on a machine
 * without a GPU, this one included (src/engine/model-choice.ts), so it gives the headline figures; the WebGPU path
 * runs here on SwiftShader, where GPU buffers are process memory (VRAM on a discrete GPU), and goes in the notes.
 */
interface LoadPath {
  dtype: Dtype;
  backend: 'wasm' | 'webgpu';
  label: string;
}
const CPU_PATH: LoadPath = { dtype: 'int8', backend: 'wasm', label: 'WASM (2 threads), model_int8.onnx' };
const GPU_PATH: LoadPath = { dtype: 'q4', backend: 'webgpu', label: 'WebGPU on SwiftShader, model_q4.onnx' };

/**
 * The exported model of one dtype without its source checkpoint, hard-linked into a folder of its own so the hub
 * serves (and hashes) only what a user of that dtype downloads. int8 is the WASM graph, exported from the same checkpoint.
 */
async function benchModel(dtype: Dtype): Promise<{ dir: string; bytes: number }> {
  if (!existsSync(join(MODEL_DIR, 'checkpoint/model.safetensors'))) makeTestModel('lfm2.5-1.2b', MODEL_DIR, []);
  // Exported again whenever the exporter changed (the same rule as the test models').
  const stamp = join(MODEL_DIR, `onnx/model_${dtype}.source`);
  if (!existsSync(stamp) || (await readFile(stamp, 'utf8')) !== sourceHash()) {
    exportCheckpoint({ checkpoint: join(MODEL_DIR, 'checkpoint'), out: MODEL_DIR, dtype, ...(dtype === 'int8' ? { target: 'wasm' as const } : {}), chunkBytes: CHUNK_BYTES });
    await writeFile(stamp, sourceHash());
  }
  const hubDir = `${MODEL_DIR}-hub-${dtype}`;
  await rm(hubDir, { recursive: true, force: true });
  await mkdir(join(hubDir, 'onnx'), { recursive: true });
  let bytes = 0;
  const onnx = (await readdir(join(MODEL_DIR, 'onnx'))).filter((f) => f.startsWith(`model_${dtype}.onnx`)).map((f) => `onnx/${f}`);
  for (const file of [...(await readdir(MODEL_DIR)).filter((f) => f.endsWith('.json')), ...onnx]) {
    await link(join(MODEL_DIR, file), join(hubDir, file));
    bytes += (await stat(join(hubDir, file))).size;
  }
  return { dir: hubDir, bytes };
}

/** Raw throughput: the same files fetched by an extension page and thrown away. */
async function rawFetchMs(page: Page, urls: string[]): Promise<number> {
  return page.evaluate(async (urls) => {
    const start = performance.now();
    for (const url of urls) {
      const reader = (await fetch(url, { cache: 'no-store' })).body!.getReader();
      while (!(await reader.read()).done);
    }
    return performance.now() - start;
  }, urls);
}

/**
 * store.download_ratio: each repetition fetches the files raw (read and discarded by an extension page), then
 * downloads the model into the store afresh. CPU time is recorded too: where both sides keep every core busy
 * (2 cores: they do), the ratio cannot beat raw CPU over store CPU.
 */
async function measureDownload(page: Page, profile: string, modelId: string, totalBytes: number, urls: string[], bytes: number): Promise<Figure> {
  const rawMbps: number[] = [];
  const storeMbps: number[] = [];
  const rawCpu: number[] = [];
  const storeCpu: Array<Record<string, number>> = [];
  const total = (spent: Record<string, number>): number => Object.values(spent).reduce((sum, s) => sum + s, 0);
  for (let rep = 0; rep < REPS; rep++) {
    let before = await cpuSeconds(profile);
    rawMbps.push(bytes / 1e6 / ((await rawFetchMs(page, urls)) / 1000));
    rawCpu.push(total(cpuSpent(before, await cpuSeconds(profile))));
    await call(page, 'store.delete-model', { modelId });
    before = await cpuSeconds(profile);
    const start = Date.now();
    await call(page, 'store.download', { modelId, consent: { approvedBytes: totalBytes } });
    storeMbps.push(bytes / 1e6 / ((Date.now() - start) / 1000));
    storeCpu.push(cpuSpent(before, await cpuSeconds(profile)));
  }
  const kinds = Object.keys(storeCpu[0]!).filter((kind) => median(storeCpu.map((spent) => spent[kind] ?? 0)) >= 0.05);
  const storeCpuNotes = kinds.map((kind) => `${kind} ${median(storeCpu.map((spent) => spent[kind] ?? 0)).toFixed(1)}`).join(', ');
  return {
    name: 'store.download_ratio',
    value: median(storeMbps),
    unit: 'MB/s',
    baseline: median(rawMbps),
    ratio: median(storeMbps.map((v, i) => v / rawMbps[i]!)),
    notes: `${mb(bytes)} MB (lfm2.5-1.2b q4, ${urls.length} files) from the local hub on 127.0.0.1 into IndexedDB, ${DEFAULT_CHUNK_BYTES / 2 ** 20} MiB chunks read straight from the body (BYOB) and SHA-256'd in a worker (hash-wasm), each stored with its progress record and hash state in one transaction, ratio is the median of ${REPS} back-to-back pairs; baseline: an extension page fetching the same files and discarding them. Store runs: ${storeMbps.map((v) => v.toFixed(0)).join(', ')} MB/s; raw: ${rawMbps.map((v) => v.toFixed(0)).join(', ')} MB/s. CPU seconds, medians (browser processes and the hub, ${os.cpus().length} cores): raw ${median(rawCpu).toFixed(1)}, store ${median(storeCpu.map(total)).toFixed(1)} (${storeCpuNotes}), raw over store ${(median(rawCpu) / median(storeCpu.map(total))).toFixed(2)}.`,
  };
}

interface LoadFigures {
  /** Cached model to a loaded engine, timed with nothing else measuring. */
  loadMs: number[];
  /** The same loads split in two: reading the graph and its tensors from the store, then ORT creating the session. */
  readMs: number[];
  sessionMs: number[];
  /** onnxruntime-node creating a CPU session from the same files on disk, run back to back with each timed load. */
  nodeMs: number[];
  /** Peak PSS growth of the browser's processes over their level just before the load, each load in a browser of its own. */
  peak: number[];
}

const settle = () => new Promise((r) => setTimeout(r, 1500));

function engineLoad(page: Page, modelId: string, path: LoadPath): Promise<{ loadMs: number; readMs: number; sessionMs: number }> {
  return call(page, 'engine.load', { modelId, backend: path.backend });
}

/**
 * Runs `work` in a browser started afresh on the bench profile, as a user's load is: the engine document is created
 * on demand and closed after its idle time, so each load is the first in its document (a WASM heap never shrinks,
 * and a closed document's memory comes back late: loads in one document would count what the last one left, in
 * time and in memory). The engine document is opened (a store listing) and left to settle first.
 */
async function inFreshBrowser<T>(profile: string, work: (page: Page) => Promise<T>): Promise<T> {
  const ext = await launchExtension({ webgpu: true, userDataDir: profile });
  try {
    const page = await ext.openExtensionPage('ui/options/options.html');
    await call(page, 'store.list-models', {});
    await settle();
    return await work(page);
  } finally {
    await ext.close({ keepProfile: true });
  }
}

/**
 * Times REPS loads, each back to back with onnxruntime-node creating a session from the same files; then measures
 * the peak of REPS more loads.
 */
async function measureLoads(profile: string, modelId: string, path: LoadPath, onnxFile: string, figures: LoadFigures): Promise<void> {
  const nodeLoad = async (): Promise<number> => {
    const start = performance.now();
    const session = await ortNode.InferenceSession.create(onnxFile, { executionProviders: ['cpu'] });
    const ms = performance.now() - start;
    await session.release();
    return ms;
  };
  // One load of each first, uncounted: warms the disk cache on both sides.
  await nodeLoad();
  await inFreshBrowser(profile, (page) => engineLoad(page, modelId, path));
  for (let rep = 0; rep < REPS; rep++) {
    figures.nodeMs.push(await nodeLoad());
    const { loadMs, readMs, sessionMs } = await inFreshBrowser(profile, (page) => engineLoad(page, modelId, path));
    figures.loadMs.push(loadMs);
    figures.readMs.push(readMs);
    figures.sessionMs.push(sessionMs);
  }
  for (let rep = 0; rep < REPS; rep++) figures.peak.push(await inFreshBrowser(profile, (page) => peakGrowth(profile, () => engineLoad(page, modelId, path))));
}

const noLoads = (): LoadFigures => ({ loadMs: [], readMs: [], sessionMs: [], nodeMs: [], peak: [] });

/** Adds the model `hub` serves as a custom entry and plans its download: its id and the bytes to consent to. */
async function addHubModel(page: Page, hub: LocalHub, dtype: Dtype, backend: LoadPath['backend']): Promise<{ id: string; totalBytes: number }> {
  const { id } = await call<{ id: string }>(page, 'store.add-custom-model', { format: 'onnx', repo: hub.repo, revision: 'main', dtype, backend, baseUrl: hub.baseUrl });
  const { totalBytes } = await call<{ totalBytes: number }>(page, 'store.plan-download', { modelId: id });
  return { id, totalBytes };
}

/** Downloads `dtype` into the store from a hub of its own (untimed) and returns the model's id. */
async function cacheModel(page: Page, dtype: Dtype, backend: LoadPath['backend'], dir: string): Promise<string> {
  const hub = await startLocalHub({ modelDir: dir, repo: `pagewise-bench/lfm2.5-1.2b-${dtype}` });
  try {
    const { id, totalBytes } = await addHubModel(page, hub, dtype, backend);
    await call(page, 'store.download', { modelId: id, consent: { approvedBytes: totalBytes } });
    return id;
  } finally {
    await hub.close();
  }
}

const mb = (b: number) => (b / 1e6).toFixed(0);
const list = (values: number[], format: (v: number) => string = (v) => v.toFixed(0)) => values.map(format).join(', ');
const pairRatio = (values: number[], baselines: number[]) => median(values.map((v, i) => v / baselines[i]!));

function loadNotes(path: LoadPath, f: LoadFigures): string {
  return `${path.label}: ${list(f.loadMs)} ms (ratio ${pairRatio(f.loadMs, f.nodeMs).toFixed(2)}; medians ${median(f.readMs).toFixed(0)} ms reading the graph and tensors from the store, ${median(f.sessionMs).toFixed(0)} ms in ORT creating the session); onnxruntime-node from the same files: ${list(f.nodeMs)} ms`;
}

function peakNotes(path: LoadPath, f: LoadFigures, modelBytes: number): string {
  return `${path.label} (${mb(modelBytes)} MB): ${list(f.peak, mb)} MB (ratio ${(median(f.peak) / modelBytes).toFixed(2)})`;
}

const bench: Benchmark = {
  name: 'store',
  async run(): Promise<Figure[]> {
    if (!existsSync(join(DIST, 'manifest.json'))) throw new Error('Build the extension first: npm run build');
    const q4 = await benchModel('q4');
    const hub: LocalHub = await startLocalHub({ modelDir: q4.dir, repo: 'pagewise-bench/lfm2.5-1.2b' });
    const ext = await launchExtension({ webgpu: true });
    const cpu = noLoads();
    const gpu = noLoads();
    try {
      const page = await ext.openExtensionPage('ui/options/options.html');
      const added = await addHubModel(page, hub, 'q4', 'webgpu');
      const tree = (await (await fetch(`${hub.baseUrl}/api/models/${hub.repo}/tree/main?recursive=true`)).json()) as Array<{ path: string; type: string }>;
      const urls = tree.filter((e) => e.type === 'file').map((e) => `${hub.baseUrl}/${hub.repo}/resolve/${hub.commit}/${e.path}`);

      const download = await measureDownload(page, ext.userDataDir, added.id, added.totalBytes, urls, q4.bytes);
      await hub.close();
      // PAGEWISE_BENCH_STORE=download: only the download figure, for iterating on the store's write path.
      if (process.env['PAGEWISE_BENCH_STORE'] === 'download') return [download];

      const int8 = await benchModel('int8');
      const int8Id = await cacheModel(page, 'int8', 'wasm', int8.dir);
      await ext.close({ keepProfile: true });
      // A user loads a model long after downloading it: the 2 GB the downloads just wrote reach the disk first.
      execSync('sync');
      await measureLoads(ext.userDataDir, int8Id, CPU_PATH, join(int8.dir, 'onnx/model_int8.onnx'), cpu);
      await measureLoads(ext.userDataDir, added.id, GPU_PATH, join(q4.dir, 'onnx/model_q4.onnx'), gpu);
      return [
        download,
        {
          name: 'store.cold_load_ratio',
          value: median(cpu.loadMs),
          unit: 'ms',
          baseline: median(cpu.nodeMs),
          ratio: pairRatio(cpu.loadMs, cpu.nodeMs),
          notes: `Cached lfm2.5-1.2b to a loaded engine (engine.load: tokenizer and ORT-web session) in a freshly opened engine document (a browser started afresh for each load, as the product's engine document is created on demand), against onnxruntime-node 1.30 creating a CPU session from the same files on disk; ratio the median of ${REPS} pairs run back to back, loads timed with nothing sampling memory. Headline: ${loadNotes(CPU_PATH, cpu)}. ${loadNotes(GPU_PATH, gpu)}.`,
        },
        {
          name: 'store.peak_memory_ratio',
          value: median(cpu.peak),
          unit: 'bytes',
          baseline: int8.bytes,
          ratio: median(cpu.peak) / int8.bytes,
          notes: `Peak growth of the PSS of all browser processes (sampled every ~25 ms) while a cached model loads in a browser started afresh on the bench profile, over their level once the engine document is open and settled; ORT's runtime starting up and its heap count. Against the size of the files loaded; median of ${REPS}. Headline: ${peakNotes(CPU_PATH, cpu, int8.bytes)}. ${peakNotes(GPU_PATH, gpu, q4.bytes)}: on SwiftShader the GPU buffers are process memory (VRAM on a discrete GPU), and ORT uploads each tensor through a mapped staging buffer of its own size.`,
        },
      ];
    } finally {
      await ext.close();
      await hub.close().catch(() => undefined);
    }
  },
};

export default bench;
