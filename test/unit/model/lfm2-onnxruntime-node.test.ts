import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { compareWithReference, DECODE_STEPS, PROMPTS } from './lfm2-vs-reference';
import { sessionRunner } from './ort-decoder';

for (const preset of ['tiny-dense', 'tiny-moe'] as const) {
  describe(`${preset} on onnxruntime-node CPU matches the Float64 reference`, () => {
    const model = ensureTestModel(preset);
    const open = () => ort.InferenceSession.create(join(model.dir, 'onnx/model_q4.onnx'));

    it('whole prompt and 34 cached decode steps, one sequence', async () => {
      const result = await compareWithReference(sessionRunner(ort, await open()), model, 'q4', [PROMPTS[0]!], DECODE_STEPS);
      console.log(`${preset} q4 single: max rel err ${result.maxRelativeError.toExponential(2)}`);
      expect(result.maxRelativeError).toBeLessThan(1e-3);
      expect(result.greedyAgrees).toBe(true);
    });

    it('left-padded batch of two prompts of different lengths, prompt and 34 steps', async () => {
      const result = await compareWithReference(sessionRunner(ort, await open()), model, 'q4', PROMPTS, DECODE_STEPS);
      console.log(`${preset} q4 batch: max rel err ${result.maxRelativeError.toExponential(2)}`);
      expect(result.maxRelativeError).toBeLessThan(1e-3);
      expect(result.greedyAgrees).toBe(true);
    });

    it('a cache fed with positions shifted by one is caught', async () => {
      const result = await compareWithReference(sessionRunner(ort, await open()), model, 'q4', [PROMPTS[0]!], 4, 1);
      console.log(`${preset} shifted positions: max rel err ${result.maxRelativeError.toExponential(2)}`);
      expect(result.maxRelativeError).toBeGreaterThan(1e-3);
    });

    it('q4f16 (half-precision activations) stays within 1e-2 with the same greedy tokens', async () => {
      const session = await ort.InferenceSession.create(join(model.dir, 'onnx/model_q4f16.onnx'));
      const result = await compareWithReference(sessionRunner(ort, session), model, 'q4f16', PROMPTS, DECODE_STEPS);
      console.log(`${preset} q4f16 batch: max rel err ${result.maxRelativeError.toExponential(2)} (prompt ${result.promptRelativeError.toExponential(2)}, steps ${result.decodeRelativeError.toExponential(2)}), greedy agrees ${result.greedyAgrees}`);
      expect(result.maxRelativeError).toBeLessThan(1e-2);
      expect(result.greedyAgrees).toBe(true);
    });
  });
}
