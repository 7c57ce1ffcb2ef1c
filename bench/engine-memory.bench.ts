import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatFormat, type ChatMessage } from '../src/engine/chat-format';
import { planContext, type ContextPlan } from '../src/engine/context-plan';
import type { GenerationResult } from '../src/engine/generation';
import { parseConfig, type Lfm2Config } from '../src/model/config';
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
 * engine.context_peak_memory_ratio: on the lfm2.5-1.2b preset (random weights), WASM in the extension, a prompt as
 * long as the context the plan allows, answered with a few tokens: the browser's peak resident memory growth over
 * the request (the kernel's high-water mark of each process), over what the plan estimates for a request that long
 * (context-plan.ts requestBytes). Each case in a browser of its own (WebAssembly memory never shrinks, so a second
 * request in the same document would grow into pages the first left resident): as a device reporting 4 GiB
 * (navigator.deviceMemory set in the engine's document before the load), then as this machine's browser reports
 * its memory (the figure: Chromium 156 on this 24 GiB machine reports 16, and WebAssembly's 4 GiB bounds the plan).
 */
const SMALL_DEVICE_GIB = 4;
const NEW_TOKENS = 16;
const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };
const MiB = 1024 ** 2;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

interface Measured {
  deviceGiB: number;
  plan: ContextPlan;
  result: GenerationResult;
  peak: { bytes: number; byKind: Record<string, number> };
  estimate: number;
  threads: number;
  weightBytes: number;
}

/** One request at the planned context, in a fresh browser whose engine document reports `deviceGiB` (or its own). */
async function measure(dir: string, chat: ChatFormat, config: Lfm2Config, deviceGiB?: number): Promise<Measured> {
  const ext = await launchExtension();
  try {
    const ui = await ext.openExtensionPage('ui/options/options.html');
    const modelId = await storeModelFolder(ui, dir, WASM_DTYPE, 'wasm');
    const weightBytes = (await modelRow(ui, modelId))!.storedBytes;
    // The engine's document exists once the store has been used; the load reads the device's memory from it.
    const host = await offscreenSession(ext.context, ui);
    if (deviceGiB !== undefined) await host.evaluate(`Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => ${deviceGiB}, configurable: true }), 0`);
    const reported = await host.evaluate<number>('navigator.deviceMemory');
    if (deviceGiB !== undefined && reported !== deviceGiB) throw new Error(`the engine's document reports ${reported} GiB, not ${deviceGiB}`);
    const loaded = await call<{ contextTokens: number; threads: number }>(ui, 'engine.load', { modelId });
    const plan = planContext({ config, backend: 'wasm', stateElementBytes: 4, logitsRows: 1, weightBytes, deviceMemoryGiB: reported });
    if (plan.contextTokens !== loaded.contextTokens) throw new Error(`the engine planned ${loaded.contextTokens} tokens, this bench ${plan.contextTokens}: their inputs differ`);
    // Warm the kernels on a short prompt of its own, so the peak is the request's, not the first run's.
    await call(ui, 'engine.generate', { messages: pageOf(chat, 64, 'warm-up'), sampling: greedy, maxNewTokens: 1 });
    const messages: ChatMessage[] = pageOf(chat, plan.contextTokens - NEW_TOKENS, `memory ${reported}`, { atMost: true });
    let result: GenerationResult | undefined;
    const peak = await peakResidentGrowth(ext.userDataDir, async () => {
      result = await call<GenerationResult>(ui, 'engine.generate', { messages, sampling: greedy, maxNewTokens: NEW_TOKENS });
    });
    const estimate = plan.requestBytes(result!.promptTokens + result!.tokens.length);
    console.log(`${reported} GiB: ${result!.promptTokens} tokens, peak growth ${round(peak.bytes / MiB, 0)} MiB, plan ${round(estimate / MiB, 0)} MiB, ${round(result!.ttftMs / 1000, 1)} s to the first token`);
    return { deviceGiB: reported, plan, result: result!, peak, estimate, threads: loaded.threads, weightBytes };
  } finally {
    await ext.close();
  }
}

function describe(m: Measured): string {
  const kinds = Object.entries(m.peak.byKind).filter(([, bytes]) => bytes >= MiB).map(([kind, bytes]) => `${kind} ${round(bytes / MiB, 0)} MiB`).join(', ');
  return `reporting ${m.deviceGiB} GiB: a ${m.result.promptTokens}-token prompt and ${m.result.tokens.length} new tokens at the ${m.plan.contextTokens}-token context the plan allows (limited by ${m.plan.limitedBy}), peak growth ${round(m.peak.bytes / MiB, 0)} MiB (${kinds}) over the plan's ${round(m.estimate / MiB, 0)} MiB, ratio ${round(m.peak.bytes / m.estimate)}, ${round(m.result.ttftMs / 1000, 1)} s to the first token`;
}

const bench: Benchmark = {
  name: 'engine.context_peak_memory_ratio',
  async run(): Promise<Figure[]> {
    const dir = engineBenchModel();
    const chat = new ChatFormat(await new FolderModelSource(dir).files());
    const config = parseConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>);
    const small = await measure(dir, chat, config, SMALL_DEVICE_GIB);
    const own = await measure(dir, chat, config);
    return [
      {
        name: 'engine.context_peak_memory_ratio',
        value: round(own.peak.bytes / MiB, 0),
        unit: 'MiB',
        baseline: round(own.estimate / MiB, 0),
        ratio: round(own.peak.bytes / own.estimate),
        notes: `peak resident growth of the browser's processes over one request (the kernel's high-water mark of each process, reset before it) over the plan's estimate for that many tokens; WASM, ${own.threads} threads, model_${WASM_DTYPE}.onnx, weights ${round(own.weightBytes / MiB, 0)} MiB; each case in a fresh browser. This machine's browser ${describe(own)}. As a device ${describe(small)}`,
      },
    ];
  },
};

export default bench;
