import { existsSync } from 'node:fs';
import { link, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { makeTestModel } from '../scripts/export/test-models';
import { startLocalHub, type LocalHub } from '../scripts/local-hub';
import { callEngine } from '../test/e2e/harness/engine-client';
import { DIST } from '../scripts/lib/chromium';
import { launchExtension } from '../test/e2e/harness/launch-extension';
import { DEFAULT_CHUNK_BYTES } from '../src/store/model-download';
import { median, type Benchmark, type Figure } from './figure';

/**
 * Weight store figures on the `lfm2.5-1.2b` preset (q4, several external data files), served by the local hub:
 * - download_ratio: store throughput (fetch, hash, IndexedDB) over raw fetch throughput of the same files;
 * - cold_load_ratio: cached model to ready ORT session in the browser, read the way the engine reads it (tensor
 *   by tensor, each let go of once ORT copied it: src/offscreen/store-model-source.ts), over onnxruntime-node from disk;
 * - peak_memory_ratio: growth of the browser's memory while loading that way, over the model's size.
 * Blob URL external data is measured in the same pairs and reported in the notes.
 */
const ROOT = resolve(import.meta.dirname, '..');
const MODEL_DIR = join(ROOT, '.cache/bench-models/lfm2.5-1.2b');
const HUB_DIR = join(ROOT, '.cache/bench-models/lfm2.5-1.2b-hub');
/** Other work shares this machine: each repetition pairs the two sides back to back and the ratio is the median of the pairs. */
const REPS = 5;
const DTYPE = 'q4';

/** The exported model without its source checkpoint, hard-linked so the hub serves (and hashes) only what a user downloads. */
async function benchModel(): Promise<{ dir: string; bytes: number }> {
  if (!existsSync(join(MODEL_DIR, `onnx/model_${DTYPE}.onnx`))) makeTestModel('lfm2.5-1.2b', MODEL_DIR, [DTYPE], 512 * 1024 * 1024);
  await rm(HUB_DIR, { recursive: true, force: true });
  await mkdir(join(HUB_DIR, 'onnx'), { recursive: true });
  let bytes = 0;
  const files = [...(await readdir(MODEL_DIR)).filter((f) => f.endsWith('.json')), ...(await readdir(join(MODEL_DIR, 'onnx'))).map((f) => `onnx/${f}`)];
  for (const file of files) {
    await link(join(MODEL_DIR, file), join(HUB_DIR, file));
    bytes += (await stat(join(HUB_DIR, file))).size;
  }
  return { dir: HUB_DIR, bytes };
}

interface BrowserProcess {
  pid: number;
  /** --type= of the process (renderer, gpu-process, utility…), 'network' for the network service, 'browser' for the root. */
  kind: string;
  cpuSeconds: number;
}

/** The browser started with `profile` and all its descendants, from /proc. */
async function browserProcesses(profile: string): Promise<BrowserProcess[]> {
  const procs = await Promise.all(
    (await readdir('/proc')).filter((p) => /^\d+$/.test(p)).map(async (pid) => {
      try {
        const statText = await readFile(`/proc/${pid}/stat`, 'utf8');
        const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
        const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
        return { pid: Number(pid), ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100, cmdline };
      } catch {
        return undefined;
      }
    }),
  );
  const live = procs.filter((p) => p !== undefined);
  const root = live.find((p) => p.cmdline.includes(profile) && !p.cmdline.includes('--type='));
  if (!root) return [];
  const tree = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of live) if (tree.has(p.ppid) && !tree.has(p.pid)) grew = tree.add(p.pid) !== undefined;
  }
  return live
    .filter((p) => tree.has(p.pid))
    .map((p) => {
      const type = /--type=(\S+)/.exec(p.cmdline)?.[1] ?? 'browser';
      return { pid: p.pid, kind: type === 'utility' && p.cmdline.includes('NetworkService') ? 'network' : type, cpuSeconds: p.cpu };
    });
}

/** PSS of the browser and all its descendants (shared pages counted once). */
async function browserPss(profile: string): Promise<number> {
  let kib = 0;
  for (const p of await browserProcesses(profile)) {
    const rollup = await readFile(`/proc/${p.pid}/smaps_rollup`, 'utf8').catch(() => '');
    kib += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  }
  return kib * 1024;
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

/** CPU seconds used so far by the browser's processes (by process type) and by this process, which runs the hub. */
async function cpuSeconds(profile: string): Promise<Record<string, number>> {
  const usage = process.cpuUsage();
  const seconds: Record<string, number> = { hub: (usage.user + usage.system) / 1e6 };
  for (const p of await browserProcesses(profile)) seconds[p.kind] = (seconds[p.kind] ?? 0) + p.cpuSeconds;
  return seconds;
}

const cpuSpent = (before: Record<string, number>, after: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(after).map(([kind, s]) => [kind, s - (before[kind] ?? 0)]));

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
  const mb = (b: number) => (b / 1e6).toFixed(0);
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

async function call<T>(page: Page, command: string, payload: unknown): Promise<T> {
  const outcome = await callEngine(page, command, payload);
  if (!outcome.ok) throw new Error(`${command}: ${JSON.stringify(outcome.error)}`);
  return outcome.result as T;
}

const bench: Benchmark = {
  name: 'store',
  async run(): Promise<Figure[]> {
    if (!existsSync(join(DIST, 'manifest.json'))) throw new Error('Build the extension first: npm run build');
    const model = await benchModel();
    const hub: LocalHub = await startLocalHub({ modelDir: model.dir, repo: 'pagewise-bench/lfm2.5-1.2b' });
    const ext = await launchExtension({ webgpu: true });
    try {
      const page = await ext.openExtensionPage('ui/options/options.html');
      const added = await call<{ id: string }>(page, 'store.add-custom-model', { repo: hub.repo, revision: 'main', dtype: DTYPE, backend: 'webgpu', baseUrl: hub.baseUrl });
      const plan = await call<{ totalBytes: number }>(page, 'store.plan-download', { modelId: added.id });
      const tree = (await (await fetch(`${hub.baseUrl}/api/models/${hub.repo}/tree/main?recursive=true`)).json()) as Array<{ path: string; type: string }>;
      const urls = tree.filter((e) => e.type === 'file').map((e) => `${hub.baseUrl}/${hub.repo}/resolve/${hub.commit}/${e.path}`);

      const download = await measureDownload(page, ext.userDataDir, added.id, plan.totalBytes, urls, model.bytes);
      await hub.close();
      // PAGEWISE_BENCH_STORE=download: only the download figure, for iterating on the store's write path.
      if (process.env['PAGEWISE_BENCH_STORE'] === 'download') return [download];

      const loadMs: Record<'blob-url' | 'engine', number[]> = { 'blob-url': [], engine: [] };
      const peakBytes: Record<'blob-url' | 'engine', number[]> = { 'blob-url': [], engine: [] };
      /** The same peaks over the level just before each load, which still holds what earlier loads left (ORT's grown heap). */
      const peakOverBefore: Record<'blob-url' | 'engine', number[]> = { 'blob-url': [], engine: [] };
      // One load of each first, uncounted: compiles ORT's wasm and warms the disk cache on both sides.
      const nodeMs: number[] = [];
      const nodeLoad = async (): Promise<number> => {
        const start = performance.now();
        const session = await ortNode.InferenceSession.create(join(model.dir, `onnx/model_${DTYPE}.onnx`), { executionProviders: ['cpu'] });
        const ms = performance.now() - start;
        await session.release();
        return ms;
      };
      await nodeLoad();
      let retried = 0;
      let idleFloor = await browserPss(ext.userDataDir);
      await call(page, 'store.load-check', { modelId: added.id, backend: 'webgpu' });
      for (let rep = 0; rep < REPS; rep++) {
        nodeMs.push(await nodeLoad());
        for (const externalData of rep % 2 ? (['engine', 'blob-url'] as const) : (['blob-url', 'engine'] as const)) {
          await new Promise((r) => setTimeout(r, 1500));
          // The lowest level seen before any load so far: what an earlier load left for the GC would otherwise
          // count as idle and hide part of this load's peak.
          const before = await browserPss(ext.userDataDir);
          idleFloor = Math.min(idleFloor, before);
          const idle = idleFloor;
          let peak = idle;
          let sampling = true;
          const sampler = (async () => {
            while (sampling) {
              peak = Math.max(peak, await browserPss(ext.userDataDir));
              await new Promise((r) => setTimeout(r, 25));
            }
          })();
          const result = await call<{ openMs: number; createMs: number; keptEveryTensor: boolean }>(page, 'store.load-check', { modelId: added.id, backend: 'webgpu', externalData });
          if (result.keptEveryTensor) retried++;
          sampling = false;
          await sampler;
          loadMs[externalData].push(result.openMs + result.createMs);
          peakBytes[externalData].push(peak - idle);
          peakOverBefore[externalData].push(peak - before);
        }
      }


      const load = median(loadMs.engine);
      const node = median(nodeMs);
      const peak = median(peakBytes.engine);
      const mb = (b: number) => (b / 1e6).toFixed(0);
      return [
        download,
        {
          name: 'store.cold_load_ratio',
          value: load,
          unit: 'ms',
          baseline: node,
          ratio: median(loadMs.engine.map((v, i) => v / nodeMs[i]!)),
          notes: `Cached lfm2.5-1.2b q4 to a ready ORT-web session (WebGPU on SwiftShader: the extension's WASM build has no GatherBlockQuantized), the files read as the engine reads them (storeModelSource: each external tensor read from the stored Blob and let go of once ORT copied it; ${retried} of ${REPS} loads needed the keep-everything retry), ratio the median of ${REPS} pairs each run back to back with the baseline: ${loadMs.engine.map((v) => v.toFixed(0)).join(', ')} ms; with Blob URL external data instead (same pairs, order alternating): ${loadMs['blob-url'].map((v) => v.toFixed(0)).join(', ')} ms, ratio ${median(loadMs['blob-url'].map((v, i) => v / nodeMs[i]!)).toFixed(2)}. Baseline: onnxruntime-node 1.30 CPU session from the same files on disk: ${nodeMs.map((v) => v.toFixed(0)).join(', ')} ms.`,
        },
        {
          name: 'store.peak_memory_ratio',
          value: peak,
          unit: 'bytes',
          baseline: model.bytes,
          ratio: peak / model.bytes,
          notes: `Peak growth of the PSS of all browser processes over the lowest idle level seen before it while loading as the engine does (bytes; sampled every ~25 ms), against the model's ${mb(model.bytes)} MB, median of ${REPS}: ${peakBytes.engine.map(mb).join(', ')} MB; with Blob URLs: ${peakBytes['blob-url'].map(mb).join(', ')} MB, ratio ${(median(peakBytes['blob-url']) / model.bytes).toFixed(2)}. The idle floor is taken before the first load, so ORT's heap and, on SwiftShader, the GPU buffers (process memory here, VRAM on a discrete GPU) count, as in a fresh engine document. Over the level just before each load instead (what earlier loads left counted as idle): bytes ${peakOverBefore.engine.map(mb).join(', ')} MB, ratio ${(median(peakOverBefore.engine) / model.bytes).toFixed(2)}; Blob URLs ratio ${(median(peakOverBefore['blob-url']) / model.bytes).toFixed(2)}.`,
        },
      ];
    } finally {
      await ext.close();
      await hub.close().catch(() => undefined);
    }
  },
};

export default bench;
