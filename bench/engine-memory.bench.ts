import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatFormat, type ChatMessage } from '../src/engine/chat-format';
import { planContext } from '../src/engine/context-plan';
import type { GenerationResult } from '../src/engine/generation';
import { parseConfig } from '../src/model/config';
import { offscreenSession } from '../scripts/lib/offscreen-devtools';
import { FolderModelSource } from '../test/support/folder-model-source';
import { launchExtension } from '../test/e2e/harness/launch-extension';
import { modelRow, storeModelFolder } from '../test/e2e/harness/store-pages';
import type { Benchmark, Figure } from './figure';
import { peakResidentGrowth } from './lib/browser-process';
import { call } from './lib/engine-call';
import { engineBenchModel, WASM_DTYPE } from './lib/engine-bench-model';
import { pageOf } from './lib/long-page';

/**
 * engine.context_peak_memory_ratio: on the lfm2.5-1.2b preset (random weights), WASM in the extension, on a device
 * that reports DEVICE_GIB of memory (navigator.deviceMemory set in the engine's document before the load, as such
 * a device reports it), a prompt as long as the context the plan allows, answered with a few tokens: the browser's
 * peak resident memory growth over the request (the kernel's high-water mark of each process), over what the plan
 * estimates for a request that long (context-plan.ts requestBytes).
 */
const DEVICE_GIB = 4;
const NEW_TOKENS = 16;
const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };
const MiB = 1024 ** 2;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

const bench: Benchmark = {
  name: 'engine.context_peak_memory_ratio',
  async run(): Promise<Figure[]> {
    const dir = engineBenchModel();
    const chat = new ChatFormat(await new FolderModelSource(dir).files());
    const config = parseConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>);
    const ext = await launchExtension();
    try {
      const ui = await ext.openExtensionPage('ui/options/options.html');
      const modelId = await storeModelFolder(ui, dir, WASM_DTYPE, 'wasm');
      const weightBytes = (await modelRow(ui, modelId))!.storedBytes;
      // The engine's document exists once the store has been used; the load reads the device's memory from it.
      const host = await offscreenSession(ext.context, ui);
      const reported = await host.evaluate<number>(`Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => ${DEVICE_GIB}, configurable: true }), navigator.deviceMemory`);
      if (reported !== DEVICE_GIB) throw new Error(`the engine's document reports ${reported} GiB, not ${DEVICE_GIB}`);
      const loaded = await call<{ contextTokens: number; threads: number }>(ui, 'engine.load', { modelId });
      const plan = planContext({ config, backend: 'wasm', stateElementBytes: 4, weightBytes, deviceMemoryGiB: DEVICE_GIB });
      if (plan.contextTokens !== loaded.contextTokens) throw new Error(`the engine planned ${loaded.contextTokens} tokens, this bench ${plan.contextTokens}: their inputs differ`);
      // Warm the kernels on a short prompt of its own, so the peak is the request's, not the first run's.
      await call(ui, 'engine.generate', { messages: pageOf(chat, 64, 'warm-up'), sampling: greedy, maxNewTokens: 1 });
      const messages: ChatMessage[] = pageOf(chat, plan.contextTokens - NEW_TOKENS, 'memory', { atMost: true });
      let result: GenerationResult | undefined;
      const peak = await peakResidentGrowth(ext.userDataDir, async () => {
        result = await call<GenerationResult>(ui, 'engine.generate', { messages, sampling: greedy, maxNewTokens: NEW_TOKENS });
      });
      const tokens = result!.promptTokens + result!.tokens.length;
      const estimate = plan.requestBytes(tokens);
      const kinds = Object.entries(peak.byKind).filter(([, bytes]) => bytes >= MiB).map(([kind, bytes]) => `${kind} ${round(bytes / MiB, 0)} MiB`).join(', ');
      return [
        {
          name: 'engine.context_peak_memory_ratio',
          value: round(peak.bytes / MiB, 0),
          unit: 'MiB',
          baseline: round(estimate / MiB, 0),
          ratio: round(peak.bytes / estimate),
          notes: `a ${result!.promptTokens}-token prompt and ${result!.tokens.length} new tokens at the ${plan.contextTokens}-token context the plan allows on a device reporting ${DEVICE_GIB} GiB (limited by ${plan.limitedBy}; weights ${round(weightBytes / MiB, 0)} MiB); peak resident growth of the browser's processes (${kinds}) over the plan's estimate for ${tokens} tokens; WASM, ${loaded.threads} threads, model_${WASM_DTYPE}.onnx; ${round(result!.ttftMs / 1000, 1)} s to the first token`,
        },
      ];
    } finally {
      await ext.close();
    }
  },
};

export default bench;
