import * as ortNode from 'onnxruntime-node';
import { ChatFormat, type ChatMessage } from '../src/engine/chat-format';
import { Engine } from '../src/engine/engine';
import { FolderModelSource } from '../test/support/folder-model-source';
import type { GenerationResult } from '../src/engine/generation';
import { PREFILL_CHUNK } from '../src/engine/generation';
import type { OrtApi, OrtSession } from '../src/engine/ort-types';
import { launchExtension } from '../test/e2e/harness/launch-extension';
import { storeModelFolder } from '../test/e2e/harness/store-pages';
import { median, type Benchmark, type Figure } from './figure';
import { openBareLoop } from './lib/bare-decode-loop';
import { call } from './lib/engine-call';
import { engineBenchModel, NATIVE_DTYPE, WASM_DTYPE } from './lib/engine-bench-model';
import { attachOffscreen } from '../scripts/lib/offscreen-devtools';
import { serveFolder } from '../scripts/lib/serve-folder';

/**
 * Engine figures on the lfm2.5-1.2b preset (random weights), all from one run:
 * - decode/prefill_ratio_vs_native: tokens/s of the engine in the extension's offscreen document on the CPU
 *   path (plain WASM build, 2 threads, model_int8.onnx) over onnxruntime-node's best CPU configuration of the
 *   same model (model_q4.onnx, MatMulNBits accuracy_level 4, 2 intra-op threads) driven by the same engine;
 * - loop_ratio_vs_bare: engine decode tokens/s over a bare ORT loop on the same graph in the same document (its
 *   own session beside the engine's), measured in turn within each pair;
 * - prefix_reuse_ttft_ratio: time to first token of a follow-up over the first question, 4,000-token page.
 * Other work shares the machine, so native, extension and bare loop are measured in PAIRS back-to-back rounds (REPS
 * generations each) and every ratio is the median of the rounds' ratios.
 */
const PAIRS = 3;
const REPS = 3;
const NEW_TOKENS = 24;
const PAGE_CHARS = 480;
const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };

const page = (rep: number, chars: number) => `Page ${rep}: ${'The quick brown fox jumps over the lazy dog; '.repeat(Math.ceil(chars / 45))}`.slice(0, chars);
const question = (rep: number): ChatMessage[] => [
  { role: 'system', content: page(rep, PAGE_CHARS) },
  { role: 'user', content: 'Summarize the page in three sentences.' },
];

interface Speeds {
  prefillTps: number;
  decodeTps: number;
  decodeMs: number;
}

function speeds(results: GenerationResult[]): Speeds {
  const decodeMs = median(results.map((r) => (r.totalMs - r.ttftMs) / Math.max(1, r.tokens.length - 1)));
  return { prefillTps: median(results.map((r) => r.promptTokens / (r.ttftMs / 1000))), decodeTps: 1000 / decodeMs, decodeMs };
}

async function loadNative(dir: string): Promise<Engine> {
  const engine = await Engine.load({
    ort: ortNode as unknown as OrtApi,
    source: new FolderModelSource(dir),
    dtype: NATIVE_DTYPE,
    createSession: async (graph) =>
      (await ortNode.InferenceSession.create(graph.bytes, { externalData: graph.externalData, intraOpNumThreads: 2, graphOptimizationLevel: 'all' })) as unknown as OrtSession,
  });
  await engine.generate({ messages: question(99), sampling: greedy, maxNewTokens: 4 });
  return engine;
}

async function native(engine: Engine): Promise<Speeds> {
  const results: GenerationResult[] = [];
  for (let rep = 0; rep < REPS; rep++) results.push(await engine.generate({ messages: question(rep), sampling: greedy, maxNewTokens: NEW_TOKENS }));
  return speeds(results);
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

const bench: Benchmark = {
  name: 'engine.decode_ratio_vs_native engine.prefill_ratio_vs_native engine.loop_ratio_vs_bare engine.prefix_reuse_ttft_ratio',
  async run(): Promise<Figure[]> {
    const dir = engineBenchModel();
    const nativeEngine = await loadNative(dir);
    // The bare loop (bench-only code evaluated in the engine's document) reads the graph over HTTP.
    const server = await serveFolder(dir);
    const modelUrl = `${server.origin}/`;
    const ext = await launchExtension();
    try {
      const ui = await ext.openExtensionPage('ui/options/options.html');
      // Into the store from a local hub, as a user's model gets there (untimed).
      const modelId = await storeModelFolder(ui, dir, WASM_DTYPE, 'wasm');
      const { threads } = await call<{ threads: number }>(ui, 'engine.load', { modelId });
      const generate = (messages: ChatMessage[], maxNewTokens: number) => call<GenerationResult>(ui, 'engine.generate', { messages, sampling: greedy, maxNewTokens });
      await generate(question(99), 4);
      const chat = new ChatFormat(await new FolderModelSource(dir).files());
      const bareLoop = await openBareLoop(await attachOffscreen(ext.context, ui), dir, modelUrl, WASM_DTYPE);
      await bareLoop.decodeMs(chat.prompt(question(99)), 4, PREFILL_CHUNK);
      const pairs: { base: Speeds; web: Speeds; bareMs: number }[] = [];
      let results: GenerationResult[] = [];
      for (let pair = 0; pair < PAIRS; pair++) {
        const base = await native(nativeEngine);
        results = [];
        for (let rep = 0; rep < REPS; rep++) results.push(await generate(question(rep), NEW_TOKENS));
        const web = speeds(results);
        const bare: number[] = [];
        for (let rep = 0; rep < REPS; rep++) bare.push(await bareLoop.decodeMs(chat.prompt(question(rep)), NEW_TOKENS, PREFILL_CHUNK));
        pairs.push({ base, web, bareMs: median(bare) });
        console.log(`pair ${pair}: native ${JSON.stringify(base)} wasm ${JSON.stringify(web)} bare ${round(median(bare), 1)} ms/token, tokens ${results.map((r) => r.tokens.length).join(',')}`);
      }
      await bareLoop.close();
      await nativeEngine.dispose();
      const base: Speeds = { prefillTps: median(pairs.map((p) => p.base.prefillTps)), decodeTps: median(pairs.map((p) => p.base.decodeTps)), decodeMs: median(pairs.map((p) => p.base.decodeMs)) };
      const web: Speeds = { prefillTps: median(pairs.map((p) => p.web.prefillTps)), decodeTps: median(pairs.map((p) => p.web.decodeTps)), decodeMs: median(pairs.map((p) => p.web.decodeMs)) };
      const decodeRatios = pairs.map((p) => p.web.decodeTps / p.base.decodeTps);
      const prefillRatios = pairs.map((p) => p.web.prefillTps / p.base.prefillTps);
      const list = (values: number[]) => values.map((v) => round(v, 3)).join(', ');

      const loopRatios = pairs.map((p) => p.bareMs / p.web.decodeMs);
      const bareMs = median(pairs.map((p) => p.bareMs));

      // Prefix reuse: a question on a 4,000-token page, then a follow-up that shares the page.
      let chars = 4000;
      while (chat.prompt([{ role: 'system', content: page(7, chars) }], undefined, false).length < 4000) chars += 100;
      const long: ChatMessage[] = [{ role: 'system', content: page(7, chars) }, { role: 'user', content: 'What is this page about?' }];
      const first = await generate(long, 8);
      const follow = await generate([...long, { role: 'assistant', content: first.answer }, { role: 'user', content: 'Who is it for?' }], 8);
      console.log(`prefix: first ${first.promptTokens} tokens ttft ${first.ttftMs} ms; follow-up reused ${follow.reusedTokens}/${follow.promptTokens} ttft ${follow.ttftMs} ms`);
      const notes = (what: string) => `${what}; engine in the extension: WASM (plain onnxruntime-web build), ${threads} threads, model_${WASM_DTYPE}.onnx (int8 MatMulInteger on per-token quantized activations, LM head included); baseline: onnxruntime-node, 2 intra-op threads, model_${NATIVE_DTYPE}.onnx (MatMulNBits accuracy_level 4); ratio = median over ${PAIRS} back-to-back pairs (each side the median of ${REPS} generations), values the medians of each side`;
      return [
        { name: 'engine.decode_ratio_vs_native', value: round(web.decodeTps), unit: 'tokens/s', baseline: round(base.decodeTps), ratio: round(median(decodeRatios)), notes: notes(`decode ${round(web.decodeTps, 2)} tokens/s in the extension vs ${round(base.decodeTps, 2)} tokens/s native (${NEW_TOKENS} new tokens); pair ratios ${list(decodeRatios)}`) },
        { name: 'engine.prefill_ratio_vs_native', value: round(web.prefillTps), unit: 'tokens/s', baseline: round(base.prefillTps), ratio: round(median(prefillRatios)), notes: notes(`prefill ${round(web.prefillTps, 1)} tokens/s vs ${round(base.prefillTps, 1)} tokens/s native (${results[0]!.promptTokens}-token prompt, time to first token); pair ratios ${list(prefillRatios)}`) },
        { name: 'engine.loop_ratio_vs_bare', value: round(1000 / web.decodeMs), unit: 'tokens/s', baseline: round(1000 / bareMs), ratio: round(median(loopRatios)), notes: `engine decode ${round(web.decodeMs, 1)} ms/token vs bare ORT loop ${round(bareMs, 1)} ms/token, same model_${WASM_DTYPE}.onnx in the same offscreen document (WASM, ${threads} threads, each its own session), the same prompts, measured in turn in each of ${PAIRS} rounds (${REPS} generations each side); ratio = engine tokens/s over bare tokens/s, median of the rounds' ratios ${list(loopRatios)}` },
        { name: 'engine.prefix_reuse_ttft_ratio', value: round(follow.ttftMs, 1), unit: 'ms', baseline: round(first.ttftMs, 1), ratio: round(follow.ttftMs / first.ttftMs, 4), notes: `time to first token of a follow-up (${follow.reusedTokens} of ${follow.promptTokens} prompt tokens reused) over the first question on a ${first.promptTokens}-token page; WASM in the extension, model_${WASM_DTYPE}.onnx` },
      ];
    } finally {
      await ext.close();
      await server.close();
    }
  },
};

export default bench;
