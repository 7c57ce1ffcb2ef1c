// The same comparison on onnxruntime-web's WASM backend (running in Node) and on the native WebGPU
// execution provider of onnxruntime-node over SwiftShader (set LFM2_WEBGPU=1 with the SwiftShader
// environment of DESIGN.md; SwiftShader has no f16, so only the q4 graph runs there).
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { compareWithReference, DECODE_STEPS, PROMPTS } from './lfm2-vs-reference';
import { sessionRunner } from './ort-decoder';

ortWeb.env.wasm.numThreads = 1;

for (const preset of ['tiny-dense', 'tiny-moe'] as const) {
  const model = ensureTestModel(preset);
  describe(`${preset} on onnxruntime-web WASM`, () => {
    it('q4: prompt, 34 cached steps and a padded batch match the reference within 1e-3', async () => {
      const onnx = join(model.dir, 'onnx');
      // The browser build cannot read files: external data chunks are handed over by name.
      const externalData = readdirSync(onnx).filter((f) => f.startsWith('model_q4.onnx_data')).map((f) => ({ path: f, data: new Uint8Array(readFileSync(join(onnx, f))) }));
      const session = await ortWeb.InferenceSession.create(new Uint8Array(readFileSync(join(onnx, 'model_q4.onnx'))), { executionProviders: ['wasm'], externalData });
      const result = await compareWithReference(sessionRunner(ortWeb, session), model, 'q4', PROMPTS, DECODE_STEPS);
      console.log(`${preset} wasm q4 batch: max rel err ${result.maxRelativeError.toExponential(2)}`);
      expect(result.maxRelativeError).toBeLessThan(1e-3);
      expect(result.greedyAgrees).toBe(true);
    });
  });

  describe.runIf(process.env.LFM2_WEBGPU === '1')(`${preset} on onnxruntime-node WebGPU (SwiftShader)`, () => {
    // QMoE on this WebGPU EP returns zeros for several rows at once; the exporter's one-row-at-a-time QMoE
    // (lfm2-graph.ts, qmoeRowByRow) avoids that path, and then the MoE model matches too (measured 6e-7).
    it('q4: one sequence, prompt and 34 cached steps', async () => {
      const session = await ortNode.InferenceSession.create(join(model.dir, 'onnx/model_q4.onnx'), { executionProviders: ['webgpu'] });
      const result = await compareWithReference(sessionRunner(ortNode, session), model, 'q4', [PROMPTS[0]!], DECODE_STEPS);
      console.log(`${preset} webgpu q4 single: max rel err ${result.maxRelativeError.toExponential(2)} greedy ${result.greedyAgrees}`);
      expect(result.maxRelativeError).toBeLessThan(1e-3);
      expect(result.greedyAgrees).toBe(true);
    });
  });
}
