// Micro-benchmark that picks the CPU graph variant: one block of LFM2.5-1.2B's linear layers (conv in/out
// projections and the dense FFN of one layer, 67M weights) in each weight format, timed for one decode token
// and one prefill chunk in onnxruntime-web's plain WASM build in Chromium (2 threads) and in onnxruntime-node.
//   node --import tsx bench/lib/matmul-variants.ts [variant,...] [threads] [interleave]
// `interleave`: web decode only, all variants' sessions in one page, timed in turn round after round (the
// fair comparison on a machine other work shares).
// The variants are bench/lib/layer-block.ts's.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { chromium } from 'playwright-core';
import { CHROMIUM, extensionLaunchArgs } from '../../scripts/lib/chromium';
import { openReadyOrtPage, startOrtTestPageServer } from '../../test/e2e/harness/ort-test-page-server';
import { median } from '../figure';
import { ALL_VARIANTS, BLOCK_1_2B, buildBlock, type Variant } from './layer-block';

const H = BLOCK_1_2B.hidden;

const DECODE_REPS = 15;
const PREFILL = 256;
const PREFILL_REPS = 3;

async function timeNode(file: string): Promise<{ decodeMs: number; prefillMs: number }> {
  const session = await ortNode.InferenceSession.create(file, { intraOpNumThreads: threads, graphOptimizationLevel: 'all' });
  const run = async (seq: number) => {
    const t = performance.now();
    await session.run({ x: new ortNode.Tensor('float32', new Float32Array(seq * H).fill(0.01), [1, seq, H]) });
    return performance.now() - t;
  };
  await run(1);
  const decode = [];
  for (let i = 0; i < DECODE_REPS; i++) decode.push(await run(1));
  await run(PREFILL);
  const prefill = [];
  for (let i = 0; i < PREFILL_REPS; i++) prefill.push(await run(PREFILL));
  await session.release();
  return { decodeMs: median(decode), prefillMs: median(prefill) };
}

const variants = (process.argv[2]?.split(',') as Variant[] | undefined) ?? ALL_VARIANTS;
const threads = Number(process.argv[3] ?? 2);
const dir = resolve(import.meta.dirname, '../../.cache/matmul-variants');
mkdirSync(dir, { recursive: true });
const server = await startOrtTestPageServer({ mv: dir });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: extensionLaunchArgs().filter((a) => !a.includes('extension')) });
/** A page with onnxruntime-web's WASM build loaded and ready. */
const readyPage = () => openReadyOrtPage(browser, server.origin, 'wasm');
try {
  if (process.argv[4] === 'interleave') {
    for (const variant of variants) writeFileSync(join(dir, `${variant}.onnx`), buildBlock(variant));
    const page = await readyPage();
    const web = await page.evaluate(`(async () => {
      const ort = window.ort;
      ort.env.wasm.numThreads = ${threads};
      const variants = ${JSON.stringify(variants)};
      const sessions = [];
      for (const v of variants) sessions.push(await ort.InferenceSession.create('/models/mv/' + v + '.onnx', { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }));
      const x = new ort.Tensor('float32', new Float32Array(${H}).fill(0.01), [1, 1, ${H}]);
      const times = variants.map(() => []);
      for (let round = 0; round <= ${DECODE_REPS}; round++) {
        for (let i = 0; i < sessions.length; i++) {
          const t = performance.now();
          await sessions[i].run({ x });
          if (round > 0) times[i].push(performance.now() - t);
        }
      }
      for (const s of sessions) await s.release();
      return variants.map((v, i) => ({ variant: v, decodeMs: times[i].sort((a, b) => a - b)[Math.floor(times[i].length / 2)], minMs: times[i][0] }));
    })()`);
    for (const row of web as object[]) console.log(JSON.stringify({ threads, ...row }));
  }
  for (const variant of process.argv[4] === 'interleave' ? [] : variants) {
    const file = join(dir, `${variant}.onnx`);
    writeFileSync(file, buildBlock(variant));
    const native = await timeNode(file).catch((e: Error) => ({ error: e.message.slice(0, 200) }));
    const page = await readyPage();
    // A string, not a function: tsx would wrap named inner functions in a `__name` helper the page lacks.
    const web = await page.evaluate(`(async () => {
      const ort = window.ort;
      ort.env.wasm.numThreads = ${threads};
      try {
        const session = await ort.InferenceSession.create('/models/mv/${variant}.onnx', { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
        async function run(seq) {
          const t = performance.now();
          await session.run({ x: new ort.Tensor('float32', new Float32Array(seq * ${H}).fill(0.01), [1, seq, ${H}]) });
          return performance.now() - t;
        }
        function med(v) { return v.sort((a, b) => a - b)[Math.floor(v.length / 2)]; }
        await run(1);
        const decode = [];
        for (let i = 0; i < ${DECODE_REPS}; i++) decode.push(await run(1));
        await run(${PREFILL});
        const prefill = [];
        for (let i = 0; i < ${PREFILL_REPS}; i++) prefill.push(await run(${PREFILL}));
        await session.release();
        return { decodeMs: med(decode), prefillMs: med(prefill), threads: ort.env.wasm.numThreads };
      } catch (e) {
        return { error: String(e).slice(0, 300) };
      }
    })()`);
    await page.close();
    console.log(JSON.stringify({ variant, native, web }));
  }
} finally {
  await browser.close();
  await server.close();
}
