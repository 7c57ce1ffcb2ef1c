// The context a device affords: from what a token's caches cost, the backend's address space, the memory the
// browser reports and what the weights already take; and a prefix cache bounded in bytes.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { PRESETS } from '../../../scripts/export/presets';
import { CacheState } from '../../../src/engine/cache-state';
import { kvBytesPerToken, MIN_CONTEXT_TOKENS, planContext, RUNTIME_BYTES } from '../../../src/engine/context-plan';
import type { OrtTensor } from '../../../src/engine/ort-types';
import { PrefixCache } from '../../../src/engine/prefix-cache';
import { parseConfig } from '../../../src/model/config';
import { loadFolderEngine } from '../../support/tiny-engine';

const GiB = 1024 ** 3;
const config = (preset: keyof typeof PRESETS) => parseConfig(PRESETS[preset] as unknown as Record<string, unknown>);

describe('planContext', () => {
  it('costs LFM2.5-1.2B 24 KiB of float32 caches per token (6 attention layers, 8 KV heads of 64)', () => {
    expect(kvBytesPerToken(config('lfm2.5-1.2b'), 4)).toBe(6 * 2 * 8 * 64 * 4);
  });

  it('on WASM, sizes the 1.2B to what 4 GiB of address space holds beside its 1.2 GB of weights, well below its trained context', () => {
    const plan = planContext({ config: config('lfm2.5-1.2b'), backend: 'wasm', stateElementBytes: 4, logitsRows: 1, weightBytes: 1.2e9 });
    expect(plan.limitedBy).toBe('address-space');
    expect(plan.contextTokens).toBeLessThan(config('lfm2.5-1.2b').maxPositionEmbeddings);
    expect(plan.contextTokens % 256).toBe(0);
    expect(plan.prefixCacheBytes).toBe(plan.contextTokens * plan.kvBytesPerToken);
  });

  it('a browser reporting 8 GiB may be an 8 GiB laptop: on the CPU the 1.2B stays within half of that, above 16K', () => {
    const plan = planContext({ config: config('lfm2.5-1.2b'), backend: 'wasm', stateElementBytes: 4, logitsRows: 1, weightBytes: 1.2e9, deviceMemoryGiB: 8 });
    expect(plan.limitedBy).toBe('memory');
    expect(plan.contextTokens).toBeGreaterThan(16_384);
    expect(1.2e9 + RUNTIME_BYTES + plan.requestBytes(plan.contextTokens)).toBeLessThanOrEqual(4 * GiB);
    expect(1.2e9 + RUNTIME_BYTES + plan.requestBytes(plan.contextTokens + 256)).toBeGreaterThan(4 * GiB);
  });

  it('on a GPU, whose memory no browser reports, 8 GiB does not bind; less than that does', () => {
    const eight = config('lfm2.5-8b-a1b');
    const gpu = (deviceMemoryGiB: number) => planContext({ config: eight, backend: 'webgpu', stateElementBytes: 2, logitsRows: 256, weightBytes: 1 * GiB, maxBindingBytes: 2 * GiB, deviceMemoryGiB });
    expect(gpu(8).limitedBy).toBe('trained-context');
    expect(gpu(4).limitedBy).toBe('memory');
  });

  it('a graph that returns every position\'s logits costs a run of them more than one that returns the last', () => {
    const input = { config: config('lfm2.5-1.2b'), backend: 'wasm' as const, stateElementBytes: 4, weightBytes: 1.2e9 };
    const all = planContext({ ...input, logitsRows: 256 }).requestBytes(1000);
    const last = planContext({ ...input, logitsRows: 1 }).requestBytes(1000);
    expect(all - last).toBe(255 * config('lfm2.5-1.2b').vocabSize * 4 * 2);
  });

  it('counts the caches as a WASM run holds them: four copies (two in the heap), one more kept by the prefix cache', () => {
    const plan = planContext({ config: config('lfm2.5-1.2b'), backend: 'wasm', stateElementBytes: 4, logitsRows: 1, weightBytes: 1.2e9 });
    const perToken = plan.requestBytes(10_001) - plan.requestBytes(10_000);
    // Five copies of the caches and one KV head's attention scores per token.
    expect(perToken).toBeGreaterThan(5 * plan.kvBytesPerToken);
    expect(perToken).toBeLessThan(6 * plan.kvBytesPerToken);
  });

  it('on a device reporting 4 GiB, everything the engine holds fits in half of it, weights included', () => {
    const budgetBytes = 2 * GiB;
    const plan = planContext({ config: config('lfm2.5-1.2b'), backend: 'wasm', stateElementBytes: 4, logitsRows: 1, weightBytes: 1.2e9, deviceMemoryGiB: 4 });
    expect(plan.limitedBy).toBe('memory');
    expect(1.2e9 + RUNTIME_BYTES + plan.requestBytes(plan.contextTokens)).toBeLessThanOrEqual(budgetBytes);
    expect(1.2e9 + RUNTIME_BYTES + plan.requestBytes(plan.contextTokens + 256)).toBeGreaterThan(budgetBytes);
  });

  it('less device memory, a smaller context; a tiny one still gets the smallest context summaries plan for', () => {
    const roomy = planContext({ config: config('lfm2.5-1.2b'), backend: 'wasm', stateElementBytes: 4, logitsRows: 1, weightBytes: 1.2e9, deviceMemoryGiB: 8 });
    const tight = planContext({ config: config('lfm2.5-1.2b'), backend: 'wasm', stateElementBytes: 4, logitsRows: 1, weightBytes: 1.2e9, deviceMemoryGiB: 4 });
    const starved = planContext({ config: config('lfm2.5-1.2b'), backend: 'wasm', stateElementBytes: 4, logitsRows: 1, weightBytes: 1.2e9, deviceMemoryGiB: 2 });
    expect(tight.contextTokens).toBeLessThan(roomy.contextTokens);
    expect(starved.contextTokens).toBe(MIN_CONTEXT_TOKENS);
  });

  it('on WebGPU, a layer cache must fit one buffer; with room the 8B keeps its trained 128K', () => {
    const eight = config('lfm2.5-8b-a1b');
    const small = planContext({ config: eight, backend: 'webgpu', stateElementBytes: 2, logitsRows: 256, weightBytes: 4.9 * GiB, maxBindingBytes: 64 * 1024 ** 2 });
    expect(small.limitedBy).toBe('buffer-size');
    expect(small.contextTokens * eight.numKvHeads * eight.headDim * 2).toBeLessThanOrEqual(64 * 1024 ** 2);
    const roomy = planContext({ config: eight, backend: 'webgpu', stateElementBytes: 2, logitsRows: 256, weightBytes: 4.9 * GiB, maxBindingBytes: 2 * GiB });
    expect(roomy).toMatchObject({ limitedBy: 'trained-context', contextTokens: eight.maxPositionEmbeddings });
  });
});

describe('the prefix cache bounded in bytes', () => {
  const state = (tokens: number) => new CacheState(new Map([['k', { type: 'float32', dims: [1, 1, tokens, 256], dispose() {} } as unknown as OrtTensor]]), tokens);
  const logits = new Float32Array(4);

  it('drops the least recently used snapshots until the rest fit, and keeps none larger than the budget', () => {
    const cache = new PrefixCache(4, 3 * 100 * 1024);
    cache.put([1], state(100), logits);
    cache.put([1, 2], state(100), logits);
    cache.put([1, 2, 3], state(100), logits);
    expect(cache.bytes).toBe(3 * 100 * 1024);
    cache.put([1, 2, 3, 4], state(150), logits);
    expect(cache.bytes).toBeLessThanOrEqual(3 * 100 * 1024);
    expect(cache.longestPrefixOf([1, 2, 3, 4, 5])?.tokens).toEqual([1, 2, 3, 4]);
    expect(cache.longestPrefixOf([1, 9])).toBeUndefined();
    cache.put([7], state(400), logits);
    expect(cache.longestPrefixOf([7])).toBeUndefined();
  });
});

describe('the engine takes the plan', () => {
  it('a device whose memory the weights nearly fill: the plan is memory-bound and the engine reads no further than it', async () => {
    const model = ensureTestModel('tiny-dense');
    // 2 GiB of device memory, half of it for the engine, all but 2 MiB taken by weights and the runtime.
    const engine = await loadFolderEngine(ort, model.dir, { memory: { backend: 'wasm', weightBytes: 1 * GiB - RUNTIME_BYTES - 2 * 1024 ** 2, deviceMemoryGiB: 2 } });
    expect(engine.plan?.limitedBy).toBe('memory');
    // Never below the smallest context summaries plan for, which is also this tiny model's trained context.
    expect(engine.contextTokens).toBe(MIN_CONTEXT_TOKENS);
    await engine.dispose();
  });
});
