import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/model/config';
import { CheckpointReader } from '../../../scripts/export/checkpoint-reader';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { Lfm2Reference } from '../../support/lfm2-reference';
import { argmax, relativeError } from './ort-decoder';

/**
 * The Float64 reference every exported graph is compared with is itself checked against the upstream
 * implementation: transformers' Lfm2ForCausalLM / Lfm2MoeForCausalLM, run once on a GPU machine on the same
 * seeded checkpoints (test/fixtures/upstream/*.json). A whole prompt, then 16 greedy steps with caches.
 */
interface UpstreamFixture {
  transformers: string;
  checkpointSha256: string;
  prompt: number[];
  greedy: number[];
  vocab: number;
  promptLogits: string;
  stepLogits: string;
}

function rows(base64: string, vocab: number): Float32Array[] {
  const bytes = Buffer.from(base64, 'base64');
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return Array.from({ length: all.length / vocab }, (_, i) => all.subarray(i * vocab, (i + 1) * vocab));
}

for (const preset of ['tiny-dense', 'tiny-moe'] as const) {
  describe(`${preset}: the reference forward pass matches upstream transformers`, () => {
    const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/upstream', `${preset}.json`), 'utf8')) as UpstreamFixture;
    const model = ensureTestModel(preset);

    it('was computed from the checkpoint the test-model maker writes today', () => {
      const sha = createHash('sha256').update(readFileSync(join(model.checkpoint, 'model.safetensors'))).digest('hex');
      // A changed maker (seed, distribution, layout) needs the fixture made again with transformers.
      expect(sha).toBe(fixture.checkpointSha256);
    });

    it(`logits of a whole prompt and 16 cached greedy steps agree with transformers ${fixture.transformers}`, () => {
      const config = parseConfig(JSON.parse(readFileSync(join(model.checkpoint, 'config.json'), 'utf8')));
      const reference = new Lfm2Reference(config, new CheckpointReader(model.checkpoint), 'fp32');
      const state = reference.newState();
      const promptRows = reference.forward(fixture.prompt, state);
      const upstreamPrompt = rows(fixture.promptLogits, fixture.vocab);
      const promptError = Math.max(...promptRows.map((row, i) => relativeError(upstreamPrompt[i]!, row)));

      const upstreamSteps = rows(fixture.stepLogits, fixture.vocab);
      const tokens: number[] = [];
      let last = promptRows.at(-1)!;
      let stepError = 0;
      for (const upstream of upstreamSteps) {
        stepError = Math.max(stepError, relativeError(upstream, last));
        tokens.push(argmax(last));
        last = reference.forward([tokens.at(-1)!], state)[0]!;
      }
      console.log(`${preset} reference vs transformers: prompt ${promptError.toExponential(2)}, steps ${stepError.toExponential(2)}`);
      // Float32 logits from a float64 run: agreement is limited by the fixture's own rounding.
      expect(promptError).toBeLessThan(1e-5);
      expect(stepError).toBeLessThan(1e-5);
      expect(tokens).toEqual(fixture.greedy);
    });
  });
}
