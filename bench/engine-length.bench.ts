import * as ortNode from 'onnxruntime-node';
import { ChatFormat, type ChatMessage } from '../src/engine/chat-format';
import { Engine } from '../src/engine/engine';
import type { GenerationResult } from '../src/engine/generation';
import type { OrtApi, OrtSession } from '../src/engine/ort-types';
import { FolderModelSource } from '../test/support/folder-model-source';
import { launchExtension } from '../test/e2e/harness/launch-extension';
import { storeModelFolder } from '../test/e2e/harness/store-pages';
import type { Benchmark, Figure } from './figure';
import { call } from './lib/engine-call';
import { engineBenchModel, NATIVE_DTYPE, WASM_DTYPE } from './lib/engine-bench-model';
import { pageOf } from './lib/long-page';

/**
 * Prefill at length on the lfm2.5-1.2b preset (random weights): prompt tokens per second to the first token at
 * about 0.5K, 4K and 16K tokens, in the extension (WASM, model_int8.onnx) and in onnxruntime-node on its best
 * CPU configuration (model_q4.onnx, MatMulNBits accuracy_level 4, 2 threads) driven by the same engine, measured
 * in turn, length by length, in the same run.
 * - engine.prefill_ratio_vs_native_4k / _16k: extension over native at that length;
 * - engine.prefill_length_retention: the extension's tokens/s at 16K over its own at 0.5K.
 */
const LENGTHS = [512, 4096, 16_384] as const;
const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

const tps = (result: GenerationResult) => result.promptTokens / (result.ttftMs / 1000);

const bench: Benchmark = {
  name: 'engine.prefill_ratio_vs_native_4k engine.prefill_ratio_vs_native_16k engine.prefill_length_retention',
  async run(): Promise<Figure[]> {
    const dir = engineBenchModel();
    const chat = new ChatFormat(await new FolderModelSource(dir).files());
    const native = await Engine.load({
      ort: ortNode as unknown as OrtApi,
      source: new FolderModelSource(dir),
      dtype: NATIVE_DTYPE,
      createSession: async (graph) =>
        // Without the CPU arena: with it, the caches growing run by run left blocks of every size behind and the
        // process reached 24 GB at 16K tokens (killed for memory); the arena-less session is not slower here.
        (await ortNode.InferenceSession.create(graph.bytes, { externalData: graph.externalData, intraOpNumThreads: 2, graphOptimizationLevel: 'all', enableCpuMemArena: false })) as unknown as OrtSession,
    });
    const ext = await launchExtension();
    try {
      const ui = await ext.openExtensionPage('ui/options/options.html');
      const modelId = await storeModelFolder(ui, dir, WASM_DTYPE, 'wasm');
      const { threads } = await call<{ threads: number }>(ui, 'engine.load', { modelId });
      const web = (messages: ChatMessage[]) => call<GenerationResult>(ui, 'engine.generate', { messages, sampling: greedy, maxNewTokens: 1 });
      // Warm both (kernels, first allocations) on a prompt of their own.
      await native.generate({ messages: pageOf(chat, 64), sampling: greedy, maxNewTokens: 1 });
      await web(pageOf(chat, 64));
      const measured: Record<number, { native: GenerationResult; web: GenerationResult }> = {};
      for (const length of LENGTHS) {
        const messages = pageOf(chat, length);
        const base = await native.generate({ messages, sampling: greedy, maxNewTokens: 1 });
        const ours = await web(messages);
        measured[length] = { native: base, web: ours };
        console.log(`${base.promptTokens} tokens: native ${round(tps(base), 1)} tokens/s (${round(base.ttftMs / 1000, 1)} s), extension ${round(tps(ours), 1)} tokens/s (${round(ours.ttftMs / 1000, 1)} s)`);
      }
      const at = (length: number) => measured[length]!;
      const where = `extension: WASM (plain onnxruntime-web build), ${threads} threads, model_${WASM_DTYPE}.onnx (attention as MatMul over the caches); native: onnxruntime-node, 2 intra-op threads, no CPU arena, model_${NATIVE_DTYPE}.onnx (MatMulNBits accuracy_level 4, GroupQueryAttention); one prompt per length, prefilled in runs of 256 tokens, time to first token, measured in turn in the same run`;
      const ratioFigure = (name: string, length: number): Figure => {
        const { native: base, web: ours } = at(length);
        return { name, value: round(tps(ours), 1), unit: 'tokens/s', baseline: round(tps(base), 1), ratio: round(tps(ours) / tps(base)), notes: `${ours.promptTokens}-token prompt: ${round(tps(ours), 1)} tokens/s in the extension (${round(ours.ttftMs / 1000, 1)} s) vs ${round(tps(base), 1)} native (${round(base.ttftMs / 1000, 1)} s); ${where}` };
      };
      const short = at(512).web;
      const long = at(16_384).web;
      return [
        ratioFigure('engine.prefill_ratio_vs_native_4k', 4096),
        ratioFigure('engine.prefill_ratio_vs_native_16k', 16_384),
        { name: 'engine.prefill_length_retention', value: round(tps(long), 1), unit: 'tokens/s', baseline: round(tps(short), 1), ratio: round(tps(long) / tps(short)), notes: `extension prefill at ${long.promptTokens} tokens (${round(long.ttftMs / 1000, 1)} s) over at ${short.promptTokens} tokens (${round(short.ttftMs / 1000, 1)} s); ${where}` },
      ];
    } finally {
      await ext.close();
      await native.dispose();
    }
  },
};

export default bench;
