// The exported tiny models on onnxruntime-web in Chromium, WebGPU (SwiftShader here) and WASM, against the
// Float64 reference: a left-padded batch of two prompts of different lengths, then 34 cached decode steps
// (every step a two-row call, so MoE layers take their several-rows path throughout).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureTestModel, type TestModel } from '../../scripts/export/test-models';
import { compareWithReference, DECODE_STEPS, PROMPTS, type Comparison } from '../unit/model/lfm2-vs-reference';
import { describePageAdapter, openPageSession } from './harness/ort-test-page-runner';
import { openOrtTestPages, type OrtBuild, type OrtTestPages } from './harness/ort-test-page-server';

const PRESETS = ['tiny-dense', 'tiny-moe'] as const;
type Preset = (typeof PRESETS)[number];

describe('tiny LFM2 models on onnxruntime-web in Chromium match the Float64 reference', () => {
  const models = Object.fromEntries(PRESETS.map((p) => [p, ensureTestModel(p)])) as Record<Preset, TestModel>;
  const dataFiles = (preset: Preset, dtype: string) => readdirSync(join(models[preset].dir, 'onnx')).filter((f) => f.startsWith(`model_${dtype}.onnx_data`));
  let ort: OrtTestPages;
  let pages: OrtTestPages['pages'];

  beforeAll(async () => {
    ort = await openOrtTestPages(Object.fromEntries(PRESETS.map((p) => [p, models[p].dir])));
    pages = ort.pages;
  });
  afterAll(async () => ort?.close());

  const run = async (preset: Preset, build: OrtBuild, dtype: 'q4' | 'q4f16'): Promise<Comparison> => {
    const runner = await openPageSession(pages[build], build, `/models/${preset}/onnx/model_${dtype}.onnx`, dataFiles(preset, dtype));
    const started = Date.now();
    const result = await compareWithReference(runner, models[preset], dtype, PROMPTS, DECODE_STEPS);
    console.log(`${preset} ${build} ${dtype} padded batch: prompt rel err ${result.promptRelativeError.toExponential(2)}, ${DECODE_STEPS} steps ${result.decodeRelativeError.toExponential(2)}, greedy agrees ${result.greedyAgrees} (${Date.now() - started} ms)`);
    return result;
  };

  test('the pages are cross-origin isolated and WebGPU has an adapter', async () => {
    for (const page of Object.values(pages)) expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    const adapter = await describePageAdapter(pages.webgpu);
    console.log('WebGPU adapter', JSON.stringify(adapter));
    expect(adapter).toBeDefined();
  });

  // WebGPU kernels here compute in fp32: MatMulNBits with accuracy_level 0 dequantizes to f32, and QMoE's
  // hard-coded accuracy_level 4 (qmoe.cc) would only switch to int8 activations on the DP4A path, which
  // SwiftShader does not take: measured errors are ~1e-6, so the 1e-3 bound holds. SwiftShader has no
  // shader-f16, so the q4f16 graph cannot run here (it runs on onnxruntime-node, 3e-3).
  for (const preset of PRESETS) {
    test(`${preset} q4 on WebGPU: padded batch prompt and ${DECODE_STEPS} cached steps`, async () => {
      const result = await run(preset, 'webgpu', 'q4');
      expect(result.maxRelativeError).toBeLessThan(1e-3);
      expect(result.greedyAgrees).toBe(true);
    });

    test(`${preset} q4 on WASM: padded batch prompt and ${DECODE_STEPS} cached steps`, async () => {
      const result = await run(preset, 'wasm', 'q4');
      expect(result.maxRelativeError).toBeLessThan(1e-3);
      expect(result.greedyAgrees).toBe(true);
    });
  }

  // Engine-facing: the build the extension ships (ort.webgpu + asyncify binary) cannot run q4 models on its
  // CPU EP, since that binary has no CPU GatherBlockQuantized; a CPU fallback must load the plain wasm build.
  // When this starts passing a session, the extension can drop the second build.
  test('the shipped WebGPU build has no CPU GatherBlockQuantized, so WASM needs the plain build', async () => {
    const opening = openPageSession(pages.webgpu, 'wasm', '/models/tiny-dense/onnx/model_q4.onnx', dataFiles('tiny-dense', 'q4'));
    await expect(opening).rejects.toThrow(/Could not find an implementation for GatherBlockQuantized/);
  });
});
