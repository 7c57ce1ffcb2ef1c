import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchExtension } from '../test/e2e/harness/launch-extension';
import { openReadyOrtPage, startOrtTestPageServer } from '../test/e2e/harness/ort-test-page-server';
import type { Benchmark, Figure } from './figure';
import { peakResidentGrowth } from './lib/browser-process';
import { BLOCK_1_2B, BLOCK_350M, blockWeights, buildBlock, type BlockShape } from './lib/layer-block';

/**
 * Which precision each CPU model's layers should be stored in, measured where the extension runs them:
 * onnxruntime-web's WASM build in Chromium, 2 threads. One layer block of each model's real shapes (a conv
 * layer's in and out projections and its FFN, bench/lib/layer-block.ts) in float32 (MatMul) and in the shipped
 * int8 form (per-token activation codes, MatMulInteger), both sessions in one page and timed in turn, round after
 * round, for one decode token and for one 256-token prefill run (generation.ts's PREFILL_CHUNK); and the
 * renderer's peak resident growth while each session is created and run once, in a fresh browser each.
 *
 * - cpu_precision.fp32_layer_decode_speedup: int8 ms over float32 ms for one token through the 1.2B's block;
 * - cpu_precision.fp32_layer_prefill_speedup: the same for a 256-token run.
 * Notes carry the 350M's block and the memory each form takes per layer.
 */
const THREADS = 2;
const DECODE_ROUNDS = 25;
const PREFILL_ROWS = 256;
const PREFILL_ROUNDS = 5;
const VARIANTS = ['fp32', 'int8_row'] as const;

interface BlockTimes {
  decodeMs: Record<(typeof VARIANTS)[number], number>;
  prefillMs: Record<(typeof VARIANTS)[number], number>;
}

/** Median ms per run of each variant, the variants run in turn in each round. */
async function timeInTurn(page: Page, model: string, hidden: number): Promise<BlockTimes> {
  return (await page.evaluate(`(async () => {
    const ort = window.ort;
    ort.env.wasm.numThreads = ${THREADS};
    const variants = ${JSON.stringify(VARIANTS)};
    const sessions = [];
    for (const v of variants) sessions.push(await ort.InferenceSession.create('/models/${model}/' + v + '.onnx', { executionProviders: ['wasm'] }));
    const input = (rows) => new ort.Tensor('float32', Float32Array.from({ length: rows * ${hidden} }, (_, i) => Math.sin(i) * 0.1), [1, rows, ${hidden}]);
    const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const timed = async (rows, rounds) => {
      const x = input(rows);
      const times = variants.map(() => []);
      for (let round = 0; round <= rounds; round++) {
        for (let i = 0; i < sessions.length; i++) {
          const t = performance.now();
          await sessions[i].run({ x });
          if (round > 0) times[i].push(performance.now() - t);
        }
      }
      return Object.fromEntries(variants.map((v, i) => [v, median(times[i])]));
    };
    const decodeMs = await timed(1, ${DECODE_ROUNDS});
    const prefillMs = await timed(${PREFILL_ROWS}, ${PREFILL_ROUNDS});
    for (const s of sessions) await s.release();
    return { decodeMs, prefillMs };
  })()`)) as BlockTimes;
}

/** Peak resident growth of a fresh browser while one variant's session is created and run once. */
async function sessionMemory(origin: string, model: string, variant: string, hidden: number): Promise<number> {
  const ext = await launchExtension();
  try {
    const page = await openReadyOrtPage(ext.context, origin, 'wasm');
    const { bytes } = await peakResidentGrowth(ext.userDataDir, () =>
      page.evaluate(`(async () => {
        const ort = window.ort;
        ort.env.wasm.numThreads = ${THREADS};
        const session = await ort.InferenceSession.create('/models/${model}/${variant}.onnx', { executionProviders: ['wasm'] });
        await session.run({ x: new ort.Tensor('float32', new Float32Array(${hidden}).fill(0.01), [1, 1, ${hidden}]) });
        return 0;
      })()`),
    );
    return bytes;
  } finally {
    await ext.close();
  }
}

interface ShapeResult {
  shape: BlockShape;
  times: BlockTimes;
  memory: Record<(typeof VARIANTS)[number], number>;
}

async function measureShape(shape: BlockShape): Promise<ShapeResult> {
  const dir = await mkdtemp(join(tmpdir(), 'pagewise-precision-'));
  const server = await startOrtTestPageServer({ block: dir });
  try {
    for (const v of VARIANTS) await writeFile(join(dir, `${v}.onnx`), buildBlock(v, shape));
    const ext = await launchExtension();
    let times: BlockTimes;
    try {
      times = await timeInTurn(await openReadyOrtPage(ext.context, server.origin, 'wasm'), 'block', shape.hidden);
    } finally {
      await ext.close();
    }
    const memory = { fp32: 0, int8_row: 0 };
    for (const v of VARIANTS) memory[v] = await sessionMemory(server.origin, 'block', v, shape.hidden);
    console.log(`${shape.label} block: ${JSON.stringify(times)}, peak growth ${JSON.stringify(memory)}`);
    return { shape, times, memory };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

function describe(r: ShapeResult): string {
  const { decodeMs: d, prefillMs: p } = r.times;
  const weights = blockWeights(r.shape);
  return `${r.shape.label} block (${(weights / 1e6).toFixed(1)}M weights): one token ${d.fp32.toFixed(1)} ms in float32 vs ${d.int8_row.toFixed(1)} ms in int8 (float32 ${(d.int8_row / d.fp32).toFixed(2)}x as fast); ${PREFILL_ROWS} tokens ${p.fp32.toFixed(0)} vs ${p.int8_row.toFixed(0)} ms (${(p.int8_row / p.fp32).toFixed(2)}x); peak growth creating and running the session ${mib(r.memory.fp32)} MiB in float32 (${mib(weights * 4)} MiB of weights) vs ${mib(r.memory.int8_row)} MiB in int8 (${mib(weights)} MiB)`;
}

const bench: Benchmark = {
  name: 'cpu_precision.fp32_layer_decode_speedup cpu_precision.fp32_layer_prefill_speedup',
  async run(): Promise<Figure[]> {
    const large = await measureShape(BLOCK_1_2B);
    const small = await measureShape(BLOCK_350M);
    const context = `${describe(large)}. ${describe(small)}. onnxruntime-web's plain WASM build in Chromium, ${THREADS} threads, both sessions in one page timed in turn (median of ${DECODE_ROUNDS} rounds for a token, ${PREFILL_ROUNDS} for a run); memory in a fresh browser per session`;
    const { decodeMs: d, prefillMs: p } = large.times;
    return [
      { name: 'cpu_precision.fp32_layer_decode_speedup', value: 1000 / d.fp32, unit: 'tokens/s', baseline: 1000 / d.int8_row, ratio: d.int8_row / d.fp32, notes: `one decode token through one layer block in float32 over int8. ${context}` },
      { name: 'cpu_precision.fp32_layer_prefill_speedup', value: (1000 * PREFILL_ROWS) / p.fp32, unit: 'tokens/s', baseline: (1000 * PREFILL_ROWS) / p.int8_row, ratio: p.int8_row / p.fp32, notes: `one ${PREFILL_ROWS}-token prefill run through one layer block in float32 over int8. ${context}` },
    ];
  },
};

export default bench;
