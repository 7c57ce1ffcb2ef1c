// 100 requests in a row, each with a prompt of its own (so the prefix cache keeps taking new entries and
// dropping old ones): the engine host's JavaScript heap and the browser's memory, GPU process included, must
// level off rather than grow with every request. Sampled after a garbage collection at 25, 50, 75 and 100.
import { afterAll, describe, expect, test } from 'vitest';
import { browserPss } from '../../bench/lib/browser-process';
import { ensureTestModel } from '../../scripts/export/test-models';
import { offscreenSession } from '../../scripts/lib/offscreen-devtools';
import { callEngine } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { storeModelFolder } from './harness/store-pages';

const MB = 1024 * 1024;
const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };

for (const { backend, dtype } of [{ backend: 'wasm', dtype: 'int8' }, { backend: 'webgpu', dtype: 'q4' }] as const) {
  describe(`100 requests on ${backend}`, () => {
    let ext: LaunchedExtension;
    afterAll(async () => ext?.close());

    test('the engine heap and the browser memory level off', async () => {
      ext = await launchExtension({ webgpu: backend === 'webgpu' });
      const ui = await ext.openExtensionPage('ui/options/options.html');
      const modelId = await storeModelFolder(ui, ensureTestModel('tiny-dense').dir, dtype, backend);
      expect(await callEngine(ui, 'engine.load', { modelId, backend })).toMatchObject({ ok: true });
      const host = await offscreenSession(ext.context, ui);
      const samples: Array<{ after: number; heap: number; pss: number }> = [];
      const started = Date.now();
      for (let request = 1; request <= 100; request++) {
        const content = `Request ${request}: ${'the tide and the sandbanks of the estuary '.repeat(1 + (request % 3))}`;
        const outcome = await callEngine(ui, 'engine.generate', { messages: [{ role: 'user', content }], sampling: greedy, maxNewTokens: 8 });
        expect(outcome.ok, JSON.stringify(outcome).slice(0, 300)).toBe(true);
        if (request % 25 === 0) {
          await host.command('HeapProfiler.collectGarbage');
          const heap = await host.evaluate<number>('performance.memory.usedJSHeapSize');
          samples.push({ after: request, heap, pss: await browserPss(ext.userDataDir) });
        }
      }
      console.log(`${backend}: 100 requests in ${((Date.now() - started) / 1000).toFixed(1)} s; ${samples.map((s) => `after ${s.after}: heap ${(s.heap / MB).toFixed(1)} MB, browser ${(s.pss / MB).toFixed(0)} MB`).join('; ')}`);
      const [, half, , last] = samples as [(typeof samples)[0], (typeof samples)[0], (typeof samples)[0], (typeof samples)[0]];
      // The second fifty requests add (next to) nothing: no per-request leak in the host or anywhere in the browser.
      expect(last.heap - half.heap).toBeLessThan(Math.max(2 * MB, half.heap * 0.1));
      expect(last.pss - half.pss).toBeLessThan(Math.max(40 * MB, half.pss * 0.05));
    }, 900_000);
  });
}
