import { describe, expect, it } from 'vitest';
import { probeCapabilities, type Capabilities } from '../../../src/engine/capability-probe';
import { chooseModel } from '../../../src/engine/model-choice';
import type { ModelCandidate } from '../../../src/protocol';
import { BUILT_IN_MODELS, candidatesOf } from '../../../src/store/model-registry';

const gpu = (limits: { maxBufferSize: number; maxStorageBufferBindingSize: number }, features: string[] = ['shader-f16']) => ({
  requestAdapter: async () => ({ features: new Set(features), limits, info: { vendor: 'acme', architecture: 'rdna' } }),
});
const big = { maxBufferSize: 4 * 1024 ** 3, maxStorageBufferBindingSize: 2 * 1024 ** 3 };
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

const moeF16: ModelCandidate = { modelId: 'moe-f16', backend: 'webgpu', dtype: 'q4f16', weightBytes: 4.7 * GiB, largestBufferBytes: 132 * MiB };
const moeF32: ModelCandidate = { ...moeF16, modelId: 'moe-f32', dtype: 'q4' };
const smallGpu: ModelCandidate = { modelId: 'small-gpu', backend: 'webgpu', dtype: 'q4f16', weightBytes: 0.75 * GiB, largestBufferBytes: 68 * MiB };
const cpu: ModelCandidate = { modelId: 'cpu', backend: 'wasm', dtype: 'int8', weightBytes: 1.2 * GiB, largestBufferBytes: 128 * MiB };
const ranked = [moeF16, moeF32, smallGpu, cpu];

describe('probeCapabilities', () => {
  it('reads the adapter limits and features', async () => {
    const caps = await probeCapabilities({ gpu: gpu(big), deviceMemory: 8, hardwareConcurrency: 8 }, true);
    expect(caps.webgpu).toEqual({ adapter: 'acme rdna', ...big, shaderF16: true, software: false });
    expect(caps).toMatchObject({ deviceMemoryGiB: 8, crossOriginIsolated: true, cores: 8 });
  });

  it('tells a software adapter (SwiftShader) from a GPU: it does not count as one when choosing', async () => {
    const swiftshader = { requestAdapter: async () => ({ features: new Set<string>(), limits: big, info: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader device' } }) };
    const caps = await probeCapabilities({ gpu: swiftshader, hardwareConcurrency: 4 }, true);
    expect(caps.webgpu).toMatchObject({ software: true });
    expect(chooseModel(caps, ranked).reasons.map((r) => r.reason)).toEqual(['webgpu-software', 'webgpu-software', 'webgpu-software', 'chosen']);
  });

  it('records why there is no WebGPU instead of throwing', async () => {
    expect((await probeCapabilities({}, false)).webgpu).toEqual({ unavailable: 'no-api' });
    expect((await probeCapabilities({ gpu: { requestAdapter: async () => null } }, false)).webgpu).toEqual({ unavailable: 'no-adapter' });
    const failing = { requestAdapter: () => Promise.reject(new Error('GPU process crashed')) };
    expect((await probeCapabilities({ gpu: failing }, false)).webgpu).toEqual({ unavailable: 'request-failed' });
  });
});

describe('chooseModel', () => {
  const caps = (over: Partial<Capabilities>): Capabilities => ({ webgpu: { unavailable: 'no-api' }, crossOriginIsolated: true, cores: 2, ...over });

  it('runs the MoE on a capable GPU with f16', async () => {
    const choice = chooseModel(await probeCapabilities({ gpu: gpu(big), deviceMemory: 8 }, true), ranked);
    expect(choice.ok && choice.candidate.modelId).toBe('moe-f16');
  });

  it('passes over f16 graphs when the GPU lacks shader-f16, and says so', async () => {
    const choice = chooseModel(await probeCapabilities({ gpu: gpu(big, []) }, true), ranked);
    expect(choice.ok && choice.candidate.modelId).toBe('moe-f32');
    expect(choice.reasons[0]?.reason).toBe('webgpu-no-f16');
  });

  it('passes over a model whose largest buffer exceeds the GPU binding limit', async () => {
    const choice = chooseModel(await probeCapabilities({ gpu: gpu({ maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB }) }, true), ranked);
    expect(choice.ok && choice.candidate.modelId).toBe('small-gpu');
    expect(choice.reasons.map((r) => r.reason)).toContain('webgpu-buffer-limit');
  });

  it('without WebGPU takes the WASM model with threads, and warns when not isolated', () => {
    const threaded = chooseModel(caps({ cores: 2 }), ranked);
    expect(threaded.ok && [threaded.candidate.modelId, threaded.threads]).toEqual(['cpu', 2]);
    const single = chooseModel(caps({ crossOriginIsolated: false }), ranked);
    expect(single.reasons.map((r) => r.reason)).toEqual(['webgpu-no-api', 'webgpu-no-api', 'webgpu-no-api', 'chosen', 'wasm-single-thread']);
  });

  it('refuses a WASM model too large for its 4 GB memory', () => {
    const choice = chooseModel(caps({}), [{ ...cpu, weightBytes: 3 * GiB }]);
    expect(choice.reasons.map((r) => r.reason)).toEqual(['wasm-memory-limit']);
  });

  it('explains every candidate when nothing fits', () => {
    const choice = chooseModel(caps({ deviceMemoryGiB: 0.5 }), ranked);
    expect(choice.ok).toBe(false);
    expect(choice.reasons.map((r) => r.reason)).toEqual(['memory-low', 'memory-low', 'memory-low', 'memory-low']);
  });

  it('over the built-in models: the 8B on a capable GPU, the 1.2B int8 on a CPU-only machine', async () => {
    const builtIns = candidatesOf(BUILT_IN_MODELS);
    const onGpu = chooseModel(await probeCapabilities({ gpu: gpu(big), deviceMemory: 8 }, true), builtIns);
    expect(onGpu.ok && onGpu.candidate).toMatchObject({ modelId: 'lfm2.5-8b-a1b', backend: 'webgpu', dtype: 'q4f16' });
    const onCpu = chooseModel(caps({}), builtIns);
    expect(onCpu.ok && onCpu.candidate).toMatchObject({ modelId: 'lfm2.5-1.2b-instruct', backend: 'wasm', dtype: 'int8' });
    // A device reporting 1 GiB holds neither the 1.2B nor the 350M's float32 graph: the 350M in int8 still runs.
    const small = chooseModel(caps({ deviceMemoryGiB: 1 }), builtIns);
    expect(small.ok && small.candidate).toMatchObject({ modelId: 'lfm2.5-350m', backend: 'wasm', dtype: 'int8' });
  });
});
