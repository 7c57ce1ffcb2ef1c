import { basename } from 'node:path';
import type { Page } from 'playwright-core';
import { ChatFormat } from '../src/engine/chat-format';
import { PREFILL_CHUNK } from '../src/engine/generation';
import type { TranslateStatus, TranslateUsage } from '../src/protocol';
import { instructions } from '../src/tasks/translate/translate-prompts';
import { startPageServer } from '../scripts/lib/page-server';
import { serveFolder } from '../scripts/lib/serve-folder';
import { callEngine, openActiveTab } from '../test/e2e/harness/engine-client';
import { launchExtension } from '../test/e2e/harness/launch-extension';
import { storeModelFolder } from '../test/e2e/harness/store-pages';
import { FolderModelSource } from '../test/support/folder-model-source';
import { bigPage } from '../test/e2e/harness/translate-pages';
import { median, type Benchmark, type Figure } from './figure';
import { openBareLoop } from './lib/bare-decode-loop';
import { engineBenchModel, WASM_DTYPE } from './lib/engine-bench-model';
import { attachOffscreen } from '../scripts/lib/offscreen-devtools';

/**
 * Translation figures, all from one run of the built extension:
 * - collect_ms_per_1k_segments / longest_task_ms: the 10,000-text-node page, translation started (viewport
 *   first) while the page is scrolled; main-thread milliseconds the content script spent finding units, and the
 *   longest task the page saw (long-task entries; none means under 50 ms);
 * - prompt_overhead / decode_share: a short news story (a headline, four paragraphs) translated whole on the lfm2.5-1.2b preset (random weights,
 *   WASM, the CPU engine's int8 graph). Random weights write noise, so most answers do not line up and are sent
 *   again (split, then alone): the figures count every call, the retries included.
 */
/** A short news story: a headline and four paragraphs of a sentence or two, as articles are written. */
const ARTICLE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Harbour news</title></head><body><article>
<h1>The harbour reopens after the storm</h1>
<p>The <a href="#a">harbour authority</a> said that ships may enter again in the morning, once the pilots have checked the channel.</p>
<p>Fishing boats left at noon, while the larger cargo ships wait for the survey of the sandbanks to be finished.</p>
<p>Traders at the fish market said they were glad to be back at work after several days of waiting.</p>
<p>The weather service expects strong wind again at the end of the week and asks sailors to follow its notices.</p>
</article></body></html>`;

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function describeTab(ui: Page): Promise<{ status?: TranslateStatus; usage?: TranslateUsage }> {
  const outcome = await callEngine(ui, 'translate.describe', {});
  if (!outcome.ok) throw new Error(`translate.describe: ${JSON.stringify(outcome.error)}`);
  return outcome.result as { status?: TranslateStatus; usage?: TranslateUsage };
}

const bench: Benchmark = {
  name: 'translate.collect_ms_per_1k_segments translate.longest_task_ms translate.prompt_overhead translate.decode_share',
  async run(): Promise<Figure[]> {
    // TRANSLATE_BENCH_MODEL=<folder>: another exported model (a quick run of the whole bench on the tiny test model).
    const dir = process.env.TRANSLATE_BENCH_MODEL ?? engineBenchModel();
    const modelName = process.env.TRANSLATE_BENCH_MODEL ? basename(dir) : 'lfm2.5-1.2b';
    const pages = await startPageServer({ '/big.html': bigPage(), '/article.html': ARTICLE });
    const server = await serveFolder(dir);
    const ext = await launchExtension();
    try {
      // The bare loop below runs in the offscreen document without an engine request for minutes on the 1.2B;
      // at the default idle timeout the worker would close the document under it and the run would never end.
      await ext.worker.evaluate(() => chrome.storage.local.set({ engineIdleSeconds: 86_400 }));
      const ui = await ext.openExtensionPage('ui/popup/popup.html');
      const modelId = await storeModelFolder(ui, dir, WASM_DTYPE, 'wasm');
      const load = await callEngine(ui, 'engine.load', { modelId });
      if (!load.ok) throw new Error(`engine.load: ${JSON.stringify(load.error)}`);

      // The big page: collection and the main thread, while the user scrolls.
      const big = await openActiveTab(ext, `${pages.origin}/big.html`);
      await big.evaluate(`(() => {
        window.__longest = 0; window.__tasks = 0;
        new PerformanceObserver((list) => { for (const e of list.getEntries()) { window.__tasks++; window.__longest = Math.max(window.__longest, e.duration); } }).observe({ type: 'longtask' });
      })()`);
      const started = await callEngine(ui, 'translate.start', { to: 'hi', mode: 'replace', wholePage: false });
      if (!started.ok) throw new Error(`translate.start: ${JSON.stringify(started.error)}`);
      let status: TranslateStatus | undefined;
      for (let i = 0; i < 100 && !(status && status.found >= 2000); i++) {
        await big.mouse.wheel(0, 1500);
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = (await describeTab(ui)).status;
      }
      const [longest, longTasks] = (await big.evaluate(`[window.__longest, window.__tasks]`)) as [number, number];
      await callEngine(ui, 'translate.restore', {});
      await big.close();
      if (!status || status.found < 2000) throw new Error(`collection did not finish: ${JSON.stringify(status)}`);
      const perThousand = status.collectMs / (status.found / 1000);

      // The article, whole: what the prompts cost beyond the page's own tokens, and how fast the page gets written.
      const article = await openActiveTab(ext, `${pages.origin}/article.html`);
      const t0 = performance.now();
      const go = await callEngine(ui, 'translate.start', { to: 'hi', mode: 'replace', wholePage: true });
      if (!go.ok) throw new Error(`translate.start: ${JSON.stringify(go.error)}`);
      let done: { status?: TranslateStatus; usage?: TranslateUsage } = {};
      for (;;) {
        done = await describeTab(ui);
        const s = done.status;
        if (s && s.found > 0 && s.done + s.failed >= s.found) break;
        // On random weights the article's one batch makes nine calls, each to its token limit: about half an hour on the 1.2B here.
        if (performance.now() - t0 > 3_600_000) throw new Error(`the article did not finish: ${JSON.stringify(done)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const wallMs = performance.now() - t0;
      const usage = done.usage!;
      await article.close();
      const files = await new FolderModelSource(dir).files();
      const chat = new ChatFormat(files);
      const instructionTokens = chat.prompt([instructions('en', 'hi')], undefined, false).length;
      // Numbering, chat template and instructions not read from the prefix cache, over the units' own tokens, as packed.
      const overhead = usage.formatTokens / usage.pageTokens;
      const pageRate = usage.writtenTokens / (wallMs / 1000);
      const callTokens = Math.max(2, Math.round(usage.writtenTokens / Math.max(1, usage.calls)));

      // The engine's bare decode speed on the same graph in the same document, after the engine let go of it.
      await callEngine(ui, 'engine.unload', {});
      const bareLoop = await openBareLoop(await attachOffscreen(ext.context, ui), dir, `${server.origin}/`, WASM_DTYPE);
      const bare: number[] = [];
      for (let rep = 0; rep < 3; rep++) {
        // As long as the page's calls on average, after a prompt of the same shape: decode slows as the context grows.
        const prompt = chat.prompt([instructions('en', 'hi'), { role: 'user', content: `[1] The harbour reopens after the storm, take ${rep}.\n[2] Fishing boats left at noon; the larger cargo ships wait for the survey.` }]);
        bare.push(await bareLoop.decodeMs(prompt, callTokens, PREFILL_CHUNK));
      }
      await bareLoop.close();
      const bareRate = 1000 / median(bare);
      const calls = `${usage.batches} page batches, ${usage.calls} model calls (random weights write noise, so most answers do not line up and are sent again: split, then alone), ${usage.pageTokens} unit tokens and ${usage.formatTokens} of format as packed, over all calls ${usage.promptTokens} prompt tokens of which ${usage.reusedTokens} reused from the prefix cache (instructions: ${instructionTokens} tokens), ${usage.writtenTokens} tokens written in ${round(wallMs / 1000, 1)} s`;
      return [
        { name: 'translate.collect_ms_per_1k_segments', value: round(perThousand, 1), unit: 'ms', baseline: 50, ratio: round(perThousand / 50), notes: `${status.found} units found on a page of 10,000 text nodes (2,000 paragraphs with a link and bold text each) in ${round(status.collectMs, 1)} ms of main-thread time, in slices of at most 8 ms, while the page was scrolled; baseline: one 50 ms task per thousand, for scale` },
        { name: 'translate.longest_task_ms', value: round(longest, 1), unit: 'ms', baseline: 50, ratio: round(longest / 50), notes: `${longTasks} long tasks (over 50 ms) seen by the page's PerformanceObserver while translation of the 10,000-node page started and the page scrolled; 0 means every task stayed under 50 ms; baseline is the target` },
        { name: 'translate.prompt_overhead', value: round(overhead, 4), unit: 'x', baseline: 0.15, ratio: round(overhead / 0.15), notes: `(prompt tokens fed - reused from the prefix cache - units' own) / units' own, over the page's batches as packed (first attempts), for a headline and four paragraphs translated whole into Hindi on ${modelName} (WASM, model_${WASM_DTYPE}.onnx, random weights): ${calls}; baseline is the target` },
        { name: 'translate.decode_share', value: round(pageRate, 2), unit: 'tokens/s', baseline: round(bareRate, 2), ratio: round(pageRate / bareRate), notes: `tokens written for the page per second of the whole translation (start to the last unit settled: prefill, parsing, messaging and writing included) against a bare ORT decode loop on the same graph in the same offscreen document (median of 3, ${callTokens} tokens each, the page's mean per call); ${calls}` },
      ];
    } finally {
      await ext.close();
      await server.close();
      await pages.close();
    }
  },
};

export default bench;
