// A device whose subgroups are too narrow for ORT's WebGPU flash-attention prefill gets prompts fed in runs
// of at most 31 tokens; the pieces must add up to the same state and logits as one run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { DecoderSession } from '../../../src/engine/decoder-session';
import type { OrtApi, OrtSession, OrtTensor } from '../../../src/engine/ort-types';
import { NARROW_SUBGROUP_TOKENS_PER_RUN, tokensPerRunLimit } from '../../../src/engine/tokens-per-run';
import { parseConfig } from '../../../src/model/config';

const withDevice = (subgroupMinSize?: number) => ({ Tensor: ort.Tensor, env: { webgpu: { device: { adapterInfo: { subgroupMinSize } } } } }) as unknown as OrtApi;

describe('tokensPerRunLimit', () => {
  it('limits runs on 4-lane subgroups (SwiftShader) and nowhere else', () => {
    expect(tokensPerRunLimit(withDevice(4))).toBe(NARROW_SUBGROUP_TOKENS_PER_RUN);
    expect(NARROW_SUBGROUP_TOKENS_PER_RUN).toBeLessThan(32);
    expect(tokensPerRunLimit(withDevice(8))).toBeUndefined();
    expect(tokensPerRunLimit(withDevice(32))).toBeUndefined();
    expect(tokensPerRunLimit(withDevice(undefined))).toBeUndefined();
    expect(tokensPerRunLimit(ort as unknown as OrtApi)).toBeUndefined();
  });
});

describe('DecoderSession with a tokens-per-run limit', () => {
  it('feeds a long prompt in pieces, ends in the same state and logits, and frees the pieces between', async () => {
    const model = ensureTestModel('tiny-moe');
    const config = parseConfig(JSON.parse(readFileSync(join(model.dir, 'config.json'), 'utf8')));
    const inner = await ort.InferenceSession.create(join(model.dir, 'onnx/model_q4.onnx'));
    const runs: number[] = [];
    const created: OrtTensor[] = [];
    const session = {
      inputNames: inner.inputNames,
      outputNames: inner.outputNames,
      inputMetadata: inner.inputMetadata,
      outputMetadata: inner.outputMetadata,
      release: () => inner.release(),
      run: async (feeds: Record<string, OrtTensor>) => {
        runs.push((feeds.input_ids as OrtTensor).dims[1]!);
        const out = (await inner.run(feeds as never)) as unknown as Record<string, OrtTensor>;
        for (const tensor of Object.values(out)) {
          const dispose = tensor.dispose.bind(tensor);
          created.push(Object.assign(tensor, { disposed: false, dispose: () => ((tensor as { disposed?: boolean }).disposed = true, dispose()) }));
        }
        return out;
      },
    } as unknown as OrtSession;
    const prompt = Array.from({ length: 20 }, (_, i) => (i * 37 + 11) % config.vocabSize);

    const whole = new DecoderSession(ort as unknown as OrtApi, session, config);
    const once = await whole.step(prompt, whole.emptyState());
    expect(runs).toEqual([20]);

    runs.length = 0;
    created.length = 0;
    const pieces = new DecoderSession(ort as unknown as OrtApi, session, config, 7);
    const start = pieces.emptyState();
    const piecewise = await pieces.step(prompt, start);
    expect(runs).toEqual([7, 7, 6]);
    expect(piecewise.state.length).toBe(20);
    expect(start.released).toBe(false);
    let worst = 0;
    once.logits.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - piecewise.logits[i]!))));
    expect(worst).toBeLessThan(1e-4);
    // Caches of the first two runs are gone; the last run's are the returned state.
    const kept = new Set(piecewise.state.tensors.values());
    for (const tensor of created) if (!kept.has(tensor) && tensor.dims.length > 0) expect((tensor as { disposed?: boolean }).disposed, `${tensor.dims}`).toBe(true);
    await inner.release();
  });
});
