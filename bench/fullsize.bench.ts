import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import type { Page } from 'playwright-core';
import { exportCheckpoint } from '../scripts/export/export-checkpoint';
import type { PresetName } from '../scripts/export/presets';
import { virtualCheckpoint, type VirtualCheckpoint } from '../scripts/export/virtual-checkpoint';
import { startLocalHub } from '../scripts/local-hub';
import { Engine } from '../src/engine/engine';
import type { GenerationResult } from '../src/engine/generation';
import type { ModelGraph } from '../src/engine/model-source';
import type { OrtApi, OrtSession } from '../src/engine/ort-types';
import { BUILT_IN_MODELS } from '../src/store/model-registry';
import { launchExtension } from '../test/e2e/harness/launch-extension';
import { FolderModelSource } from '../test/support/folder-model-source';
import type { Benchmark, Figure } from './figure';
import { peakGrowth, sampleWhile, threadCpuSeconds } from './lib/browser-process';
import { call } from './lib/engine-call';
import { tensorsEnding, withLastBitNudged } from './lib/last-bit-floor';
import { compareSteps, type StepComparison } from './lib/logit-agreement';

/**
 * Full-size proof: random weights at the real shapes of LFM2.5-1.2B-Instruct, LFM2.5-350M and LFM2.5-8B-A1B,
 * served as BF16 safetensors by the local hub under the official repository names and pinned commits (a virtual
 * checkpoint: bytes computed from a seed and the offset, nothing written). The extension converts each into
 * IndexedDB through the code a user's first download runs (store.plan-download, store.download) into the graph the
 * registry ships (1.2B int8 and 350M float32 on WASM, the 8B q4 on WebGPU, here this machine's software adapter),
 * loads it and generates greedily; the Node exporter converts the same bytes, the stored files must hash the same,
 * and onnxruntime-node runs that graph with the same engine code (its CPU for the WASM graphs, its WebGPU for the
 * 8B): the logits must agree within TOLERANCE (relative to the step's largest) and the greedy tokens must be equal.
 *
 * - fullsize.tokens_match: 1 when every model matches, else 0;
 * - fullsize.convert_source_mb_per_s (8B): source bytes converted and stored per second, baseline the 100 MB/s target;
 * - fullsize.convert_peak_over_largest_tensor (8B): peak PSS growth of the browser while converting over the largest
 *   source tensor in float32, baseline the target of 3;
 * - fullsize.load_ok_8b_webgpu: 1 when the 8B session was created on WebGPU and produced its token.
 */
const SEED = 20261130;
// One thread: the Node build of onnxruntime-web runs its WASM without the browser's worker threads.
ortWeb.env.wasm.numThreads = 1;
const TOLERANCE = 1e-2;
const TOP = 8;
const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };
const question = (content: string) => [{ role: 'user' as const, content }];

interface FullSizeModel {
  preset: PresetName;
  builtIn: string;
  shards: number;
  backend: 'wasm' | 'webgpu';
  /** The graph converted: q4, not q4f16, for WebGPU, since SwiftShader has no f16 shaders. */
  dtype: 'int8' | 'fp32' | 'q4';
  /** The Node exporter's target for the same graph. */
  target: 'wasm' | 'gpu';
  /**
   * onnxruntime-node's backend that checks the extension: its CPU for the WASM graph, its WebGPU (Dawn over
   * SwiftShader, the adapter the extension's Chromium gets here) for the WebGPU graph, so that both sides run
   * the same kernels' arithmetic (its CPU was 3.1e-2 from the extension on the 8B's first token, all of it in
   * the experts: the two backends' QMoE kernels differ).
   */
  reference: 'cpu' | 'webgpu';
  tokens: number;
  /** The 8B's question is short: SwiftShader runs WebGPU on the CPU, minutes per prompt of a few dozen tokens. */
  messages: ReturnType<typeof question>;
}

/**
 * FULLSIZE_1_2B_ON_WEBGPU=1 (with FULLSIZE_ONLY=lfm2.5-1.2b) measures the 1.2B's q4 graph on WebGPU instead: a dense
 * graph without activation quantization on the 8B's backend, to tell the 8B's logit gap to onnxruntime-node apart
 * from its experts (QMoE). A diagnosis, not a figure.
 */
const SMALL_ON_WEBGPU = process.env.FULLSIZE_1_2B_ON_WEBGPU === '1';

const MODELS: FullSizeModel[] = [
  SMALL_ON_WEBGPU
    ? { preset: 'lfm2.5-1.2b', builtIn: 'lfm2.5-1.2b-instruct', shards: 1, backend: 'webgpu', dtype: 'q4', target: 'gpu', reference: 'cpu', tokens: 2, messages: question('Hi') }
    : { preset: 'lfm2.5-1.2b', builtIn: 'lfm2.5-1.2b-instruct', shards: 1, backend: 'wasm', dtype: 'int8', target: 'wasm', reference: 'cpu', tokens: 16, messages: question('Give me the gist of this page about night trains in Europe, in one sentence.') },
  { preset: 'lfm2.5-350m', builtIn: 'lfm2.5-350m', shards: 1, backend: 'wasm', dtype: 'fp32', target: 'wasm', reference: 'cpu', tokens: 16, messages: question('Give me the gist of this page about night trains in Europe, in one sentence.') },
  { preset: 'lfm2.5-8b-a1b', builtIn: 'lfm2.5-8b-a1b', shards: 4, backend: 'webgpu', dtype: 'q4', target: 'gpu', reference: 'webgpu', tokens: 1, messages: question('Hi') },
];

interface BrowserRun {
  dtype: string;
  storedBytes: number;
  digests: Record<string, string>;
  convertMs: number;
  peakBytes: number;
  loadMs: number;
  result: GenerationResult;
}

interface ModelOutcome {
  model: FullSizeModel;
  checkpoint: VirtualCheckpoint;
  browser: BrowserRun;
  identical: boolean;
  reference: string;
  steps: StepComparison;
  /** The other comparisons, in words: onnxruntime-web in Node on the WASM graphs, the int8 graph's own floor. */
  extra: string[];
}

const mb = (bytes: number) => bytes / 1e6;

/** The threads that used the most CPU between two readings, as "name seconds" pairs. */
function busiestThreads(before: Record<string, number>, after: Record<string, number>): string {
  return Object.entries(after)
    .map(([name, s]) => [name, s - (before[name] ?? 0)] as const)
    .filter(([, s]) => s >= 1)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${s.toFixed(0)}`)
    .join(', ');
}
const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** The SHA-256 the converter recorded for each stored file as it wrote it (re-verifying checks the same). */
function recordedDigests(page: Page, modelId: string): Promise<Record<string, string>> {
  return page.evaluate(async (modelId) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('pagewise-weights');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const record = await new Promise<{ files: Array<{ path: string; digest: { hex: string } }> }>((resolve, reject) => {
      const r = db.transaction('records').objectStore('records').get(['model', modelId]);
      r.onsuccess = () => resolve(r.result as never);
      r.onerror = () => reject(r.error);
    });
    db.close();
    return Object.fromEntries(record.files.map((file) => [file.path, file.digest.hex]));
  }, modelId);
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path, { highWaterMark: 16 * 1024 * 1024 })) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** Converts, loads and generates in the extension, in a browser of its own (its memory is measured alone). */
async function inBrowser(model: FullSizeModel, checkpoint: VirtualCheckpoint): Promise<BrowserRun> {
  const entry = BUILT_IN_MODELS.find((m) => m.id === model.builtIn)!;
  const hub = await startLocalHub({ files: checkpoint, repo: entry.repo!, revision: entry.revision!, commit: entry.revision! });
  const ext = await launchExtension({ webgpu: model.backend === 'webgpu' });
  try {
    const page = await ext.openExtensionPage('ui/options/options.html');
    const request = { modelId: entry.id, hubBaseUrl: hub.baseUrl, backend: model.backend, dtype: model.dtype };
    const plan = await call<{ totalBytes: number; occupiesBytes: number; backend: string; dtype: string }>(page, 'store.plan-download', request);
    if (plan.backend !== model.backend) throw new Error(`${entry.label} was planned for ${plan.backend}, not ${model.backend}`);
    console.log(`${entry.label}: converting ${mb(plan.totalBytes).toFixed(0)} MB into ${plan.dtype} for ${plan.backend} (${mb(plan.occupiesBytes).toFixed(0)} MB stored)`);
    let convertMs = 0;
    const cpuBefore = await threadCpuSeconds(ext.userDataDir);
    // Worker threads end with the conversion and take their line in /proc with them: read it while they run.
    const cpuSeen = { ...cpuBefore };
    const peakBytes = await peakGrowth(
      ext.userDataDir,
      async () => {
        const start = performance.now();
        const outcome = await sampleWhile(
          () => call<{ status: string }>(page, 'store.download', { ...request, consent: { approvedBytes: plan.totalBytes } }),
          5000,
          async () => void Object.assign(cpuSeen, await threadCpuSeconds(ext.userDataDir)),
        );
        if (outcome.status !== 'verified') throw new Error(`${entry.label}: the conversion ended ${JSON.stringify(outcome)}`);
        convertMs = performance.now() - start;
      },
      // One PSS sample of this browser costs ~160 ms of CPU (its renderer maps terabytes of address space for
      // WASM): every 500 ms that took a quarter of a core from the conversion it measured. Memory during a
      // conversion is a plateau, so a sample every 3 s finds its peak.
      3000,
    );
    console.log(`${entry.label}: converted in ${seconds(convertMs)} s; loading on ${model.backend}`);
    console.log(`${entry.label}: CPU seconds by thread while converting: ${busiestThreads(cpuBefore, { ...cpuSeen, ...(await threadCpuSeconds(ext.userDataDir)) })}`);
    const digests = await recordedDigests(page, entry.id);
    const load = await call<{ loadMs: number; backend: string }>(page, 'engine.load', { modelId: entry.id, backend: model.backend });
    if (load.backend !== model.backend) throw new Error(`${entry.label} loaded on ${load.backend}`);
    console.log(`${entry.label}: loaded in ${seconds(load.loadMs)} s; generating`);
    const result = await call<GenerationResult>(page, 'engine.generate', { messages: model.messages, sampling: greedy, maxNewTokens: model.tokens, topLogits: TOP });
    console.log(`${entry.label}: first token after ${seconds(result.ttftMs)} s, tokens ${result.tokens.join(' ')}`);
    return { dtype: plan.dtype, storedBytes: plan.occupiesBytes, digests, convertMs, peakBytes, loadMs: load.loadMs, result };
  } finally {
    await ext.close();
    await hub.close();
  }
}

type NodeRuntime = 'onnxruntime-node CPU' | 'onnxruntime-node WebGPU' | 'onnxruntime-web WASM';
const SESSION_OPTIONS: Record<NodeRuntime, object> = {
  'onnxruntime-node CPU': { intraOpNumThreads: 2 },
  'onnxruntime-node WebGPU': { executionProviders: ['webgpu'] },
  'onnxruntime-web WASM': { executionProviders: ['wasm'] },
};

/**
 * The folder's model files, with a graph of no bytes: onnxruntime-node reads the graph and its external data from
 * the folder itself, so this process holds no copy of them (the 8B's 5 GB twice over ran a 24 GB machine out).
 */
class ReadByOrtNode extends FolderModelSource {
  override async graph(): Promise<ModelGraph> {
    return { bytes: new Uint8Array(), externalData: [] };
  }
}

/** The same greedy generation, through the same engine code, on a runtime in this process. */
async function generateWith(runtime: NodeRuntime, dir: string, model: FullSizeModel, dtype: string): Promise<GenerationResult> {
  const web = runtime === 'onnxruntime-web WASM';
  const engine = await Engine.load({
    ort: (web ? ortWeb : ortNode) as unknown as OrtApi,
    source: web ? new FolderModelSource(dir) : new ReadByOrtNode(dir),
    dtype,
    createSession: async (graph) =>
      (web
        ? await ortWeb.InferenceSession.create(graph.bytes, { externalData: graph.externalData, ...SESSION_OPTIONS[runtime] })
        : await ortNode.InferenceSession.create(join(dir, 'onnx', `model_${dtype}.onnx`), SESSION_OPTIONS[runtime])) as unknown as OrtSession,
  });
  try {
    return await engine.generate({ messages: model.messages, sampling: greedy, maxNewTokens: model.tokens, topLogits: TOP });
  } finally {
    await engine.dispose();
  }
}

/** Tensors nudged, one at a time, to measure a graph's own floor: the first conv layers' depthwise kernels. */
const FLOOR_TENSORS = 3;

interface NodeRuns {
  identical: boolean;
  reference: NodeRuntime;
  native: GenerationResult;
  /** onnxruntime-web's WASM build in Node on the WASM graph: the extension's runtime outside the browser. */
  web?: GenerationResult;
  /** The reference again with one tensor's last bit moved, once per nudged tensor (graphs that quantize activations). */
  nudged: Array<{ tensor: string; result: GenerationResult }>;
}

/**
 * The Node exporter's graph of the same bytes (the stored files must hash the same), run by onnxruntime-node on
 * the model's reference backend and, for the WASM graph, by onnxruntime-web's WASM build in Node, which
 * separates what the extension does from what differs between the two runtimes' kernels. A graph that quantizes
 * its activations is run again with a last bit moved (last-bit-floor.ts): how closely it defines its logits.
 */
async function inNode(model: FullSizeModel, checkpoint: VirtualCheckpoint, browser: BrowserRun, dir: string): Promise<NodeRuns> {
  exportCheckpoint({ checkpoint, out: dir, dtype: browser.dtype as never, target: model.target });
  const mismatched: string[] = [];
  for (const [path, hex] of Object.entries(browser.digests)) if (path.startsWith('onnx/') && (await sha256File(join(dir, path))) !== hex) mismatched.push(path);
  if (mismatched.length > 0) console.log(`${model.preset}: stored files that differ from the Node export: ${mismatched.join(', ')}`);
  const reference: NodeRuntime = model.reference === 'webgpu' ? 'onnxruntime-node WebGPU' : 'onnxruntime-node CPU';
  console.log(`${model.preset}: running the reference, ${reference}`);
  const native = await generateWith(reference, dir, model, browser.dtype);
  const web = model.backend === 'wasm' ? await generateWith('onnxruntime-web WASM', dir, model, browser.dtype) : undefined;
  const nudged: NodeRuns['nudged'] = [];
  if (browser.dtype === 'int8') {
    const graph = join(dir, 'onnx', `model_${browser.dtype}.onnx`);
    for (const tensor of await tensorsEnding(graph, '.conv.conv.weight', FLOOR_TENSORS)) {
      nudged.push({ tensor, result: await withLastBitNudged(graph, tensor, () => generateWith(reference, dir, model, browser.dtype)) });
    }
  }
  return { identical: mismatched.length === 0, reference, native, ...(web ? { web } : {}), nudged };
}

async function measure(model: FullSizeModel): Promise<ModelOutcome> {
  const checkpoint = virtualCheckpoint(model.preset, SEED, model.shards);
  // The hub publishes each file's SHA-256 (computed once, then kept beside the skeleton).
  for (const path of checkpoint.paths()) checkpoint.sha256(path);
  const browser = await inBrowser(model, checkpoint);
  const dir = await mkdtemp(join(tmpdir(), `pagewise-fullsize-${model.preset}-`));
  try {
    const runs = await inNode(model, checkpoint, browser, dir);
    const floors = runs.nudged.map(({ tensor, result }) => ({ tensor, steps: compareSteps(result.topLogits ?? [], runs.native.topLogits ?? [], TOLERANCE) }));
    for (const { tensor, steps } of floors) console.log(`${model.preset}: ${runs.reference} with ${tensor} nudged by one bit, against itself: ${steps.summary}`);
    const extension = browser.result.topLogits ?? [];
    const steps = compareSteps(extension, runs.native.topLogits ?? [], TOLERANCE);
    const extra = [
      runs.web ? `against onnxruntime-web's WASM in Node on the Node export: ${compareSteps(extension, runs.web.topLogits ?? [], TOLERANCE).summary}` : '',
      floors.length ? `the graph's own floor (${runs.reference} against itself after one bit moved in ${floors.map((f) => f.tensor).join(', ')}, one at a time): ${floors.map((f) => f.steps.maxRelative.toExponential(2)).join(', ')} of the largest logit` : '',
    ].filter(Boolean);
    console.log(`${model.preset}: against ${runs.reference}: ${steps.summary}${extra.map((e) => `; ${e}`).join('')}`);
    console.log(`${model.preset}: first step, extension ${JSON.stringify(extension[0])}; ${runs.reference} ${JSON.stringify(runs.native.topLogits?.[0])}`);
    return { model, checkpoint, browser, identical: runs.identical, reference: runs.reference, steps, extra };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What one model's run leaves for the figures: plain data, written by the child process that measured it. */
interface Measured {
  preset: string;
  shards: number;
  tokensWanted: number;
  weightBytes: number;
  largestTensorElements: number;
  dtype: string;
  backend: string;
  storedBytes: number;
  convertMs: number;
  peakBytes: number;
  loadMs: number;
  ttftMs: number;
  tokens: number;
  identical: boolean;
  reference: string;
  steps: StepComparison;
  extra: string[];
}

function measured(o: ModelOutcome): Measured {
  const { model, checkpoint, browser } = o;
  return {
    preset: model.preset,
    shards: model.shards,
    tokensWanted: model.tokens,
    weightBytes: checkpoint.weightBytes,
    largestTensorElements: checkpoint.largestTensorElements,
    dtype: browser.dtype,
    backend: model.backend,
    storedBytes: browser.storedBytes,
    convertMs: browser.convertMs,
    peakBytes: browser.peakBytes,
    loadMs: browser.loadMs,
    ttftMs: browser.result.ttftMs,
    tokens: browser.result.tokens.length,
    identical: o.identical,
    reference: o.reference,
    steps: o.steps,
    extra: o.extra,
  };
}

/**
 * onnxruntime-node's WebGPU backend (Dawn) finds a Vulkan driver through these, read when the process starts:
 * Debian's Chromium ships SwiftShader's, the software adapter the extension's WebGPU gets here.
 */
const NODE_WEBGPU_ENV = { LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' };

/**
 * Each model is measured in a process of its own (FULLSIZE_CHILD): the 8B's Node export and onnxruntime-node
 * session need most of 24 GB, and what the 1.2B's run left in the heap pushed one full run over it (killed).
 */
async function inChildProcess(preset: string): Promise<Measured> {
  const out = join(await mkdtemp(join(tmpdir(), 'pagewise-fullsize-')), 'measured.json');
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'run.ts'), 'fullsize'], { stdio: 'inherit', env: { ...process.env, ...NODE_WEBGPU_ENV, FULLSIZE_CHILD: preset, FULLSIZE_OUT: out } });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`measuring ${preset} ended with exit code ${code}`);
  return JSON.parse(await readFile(out, 'utf8')) as Measured;
}

/** Each model's last measurement, kept between runs: a model can be measured again alone. */
const KEPT_DIR = join(import.meta.dirname, '../.cache/fullsize');
type Kept = Measured & { measuredAt: string; commit: string };

async function keepMeasurement(result: Measured): Promise<Kept> {
  const git = (args: string[]) => new Promise<string>((resolve) => execFile('git', args, { cwd: import.meta.dirname }, (_e, out) => resolve(String(out).trim())));
  const commit = `${await git(['rev-parse', '--short', 'HEAD'])}${(await git(['status', '--porcelain', '--untracked-files=no'])) ? ' with changes' : ''}`;
  const kept: Kept = { ...result, measuredAt: new Date().toISOString(), commit };
  await mkdir(KEPT_DIR, { recursive: true });
  await writeFile(join(KEPT_DIR, `${result.preset}.json`), JSON.stringify(kept));
  return kept;
}

async function keptMeasurement(preset: string): Promise<Kept | undefined> {
  return readFile(join(KEPT_DIR, `${preset}.json`), 'utf8').then((text) => JSON.parse(text) as Kept, () => undefined);
}

const bench: Benchmark = {
  name: 'fullsize.tokens_match fullsize.convert_source_mb_per_s fullsize.convert_peak_over_largest_tensor fullsize.load_ok_8b_webgpu',
  async run(): Promise<Figure[]> {
    const child = process.env.FULLSIZE_CHILD;
    if (child) {
      const result = measured(await measure(MODELS.find((m) => m.preset === child)!));
      await writeFile(process.env.FULLSIZE_OUT!, JSON.stringify(result));
      return [];
    }
    // FULLSIZE_ONLY=<preset>[,<preset>] measures those models again and takes the others' last measurements
    // (kept under .cache/fullsize with their date and commit, and named in the notes); the figures need every model.
    const only = process.env.FULLSIZE_ONLY?.split(',');
    const outcomes: Kept[] = [];
    for (const model of MODELS) {
      if (only && !only.includes(model.preset)) {
        const earlier = await keptMeasurement(model.preset);
        if (!earlier) {
          console.log(`${model.preset} has no earlier measurement in ${KEPT_DIR}: run it too for the figures`);
          return [];
        }
        outcomes.push(earlier);
        continue;
      }
      outcomes.push(await keepMeasurement(await inChildProcess(model.preset)));
    }
    const large = outcomes.find((o) => o.preset === 'lfm2.5-8b-a1b')!;
    const others = outcomes.filter((o) => o !== large);
    const per = (o: Kept) =>
      `${o.preset} (measured ${o.measuredAt.slice(0, 16)} at ${o.commit}): ${o.shards} shard(s), ${mb(o.weightBytes).toFixed(0)} MB BF16 -> ${o.dtype} on ${o.backend}, ${mb(o.storedBytes).toFixed(0)} MB stored, converted in ${seconds(o.convertMs)} s, loaded in ${seconds(o.loadMs)} s, first token ${seconds(o.ttftMs)} s; stored files ${o.identical ? 'byte-identical to' : 'DIFFERENT from'} the Node export; against ${o.reference}: ${o.steps.summary}${o.extra.map((e) => `; ${e}`).join('')}`;
    const allMatch = outcomes.every((o) => o.identical && o.steps.ok && o.tokens >= o.tokensWanted);
    const sourceMbps = mb(large.weightBytes) / (large.convertMs / 1000);
    const largestF32 = large.largestTensorElements * 4;
    const peakRatio = large.peakBytes / largestF32;
    const loadOk = large.tokens >= 1 ? 1 : 0;
    const context = outcomes.map(per).join(' | ');
    return [
      { name: 'fullsize.tokens_match', value: allMatch ? 1 : 0, unit: 'bool', baseline: 1, ratio: allMatch ? 1 : 0, notes: `onnxruntime-node on the Node exporter's graph of the same bytes is the baseline (its CPU for the WASM graph, its WebGPU over SwiftShader for the WebGPU graph); logits compared on each step's top ${TOP}, relative to the step's largest, tolerance ${TOLERANCE}; for a graph that quantizes its activations, the notes also give the reference's own difference after one bit of one tensor moved (bench/lib/last-bit-floor.ts). ${context}` },
      { name: 'fullsize.convert_source_mb_per_s', value: sourceMbps, unit: 'MB/s', baseline: 100, ratio: sourceMbps / 100, notes: `${large.preset}: ${mb(large.weightBytes).toFixed(0)} MB of BF16 source from the local hub on 127.0.0.1 (${large.shards} shards), fetched, SHA-256 checked, converted to ${large.dtype} and stored in IndexedDB in ${seconds(large.convertMs)} s; baseline is the target (an 800 Mbit/s connection on 2 cores). ${others.map((o) => `${o.preset}: ${(mb(o.weightBytes) / (o.convertMs / 1000)).toFixed(0)} MB/s`).join(', ')}.` },
      { name: 'fullsize.convert_peak_over_largest_tensor', value: peakRatio, unit: 'x', baseline: 3, ratio: peakRatio / 3, notes: `${large.preset}: peak PSS growth of the browser's processes while converting ${mb(large.peakBytes).toFixed(0)} MB (sampled every 3 s), over the largest source tensor in float32 ${mb(largestF32).toFixed(0)} MB; baseline is the target. ${others.map((o) => `${o.preset}: ${(o.peakBytes / (o.largestTensorElements * 4)).toFixed(2)}x`).join(', ')}.` },
      { name: 'fullsize.load_ok_8b_webgpu', value: loadOk, unit: 'bool', baseline: 1, ratio: loadOk, notes: `${large.preset} ${large.dtype} on WebGPU (SwiftShader): loaded in ${seconds(large.loadMs)} s, first token after ${seconds(large.ttftMs)} s.` },
    ];
  },
};

export default bench;
