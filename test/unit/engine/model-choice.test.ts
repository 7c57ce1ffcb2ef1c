import { describe, expect, it } from 'vitest';
import { probeCapabilities, type Capabilities } from '../../../src/engine/capability-probe';
import { chooseModel } from '../../../src/engine/model-choice';

const gpu = (limits: { maxBufferSize: number; maxStorageBufferBindingSize: number }, features: string[] = ['shader-f16']) => ({
  requestAdapter: async () => ({ features: new Set(features), limits, info: { vendor: 'acme', architecture: 'rdna' } }),
});
const big = { maxBufferSize: 4 * 1024 ** 3, maxStorageBufferBindingSize: 2 * 1024 ** 3 };

describe('probeCapabilities', () => {
  it('reads the adapter limits and features', async () => {
    const caps = await probeCapabilities({ gpu: gpu(big), deviceMemory: 8, hardwareConcurrency: 8 }, true);
    expect(caps.webgpu).toEqual({ adapter: 'acme rdna', ...big, shaderF16: true });
    expect(caps).toMatchObject({ deviceMemoryGiB: 8, crossOriginIsolated: true, cores: 8 });
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

  it('runs the 8B MoE on a capable GPU with f16', async () => {
    const choice = chooseModel(await probeCapabilities({ gpu: gpu(big), deviceMemory: 8 }, true));
    expect(choice.ok && choice.candidate).toMatchObject({ modelId: 'LiquidAI/LFM2.5-8B-A1B-ONNX', backend: 'webgpu', dtype: 'q4f16' });
  });

  it('uses float32 activations when the GPU lacks shader-f16, and says so', async () => {
    const choice = chooseModel(await probeCapabilities({ gpu: gpu(big, []) }, true));
    expect(choice.ok && choice.candidate.dtype).toBe('q4');
    expect(choice.reasons[0]?.reason).toBe('webgpu-no-f16');
  });

  it('falls back to the 1.2B model when the GPU binding limit is too small for the MoE experts', async () => {
    const choice = chooseModel(await probeCapabilities({ gpu: gpu({ maxBufferSize: 256 * 1024 ** 2, maxStorageBufferBindingSize: 128 * 1024 ** 2 }) }, true));
    expect(choice.ok && choice.candidate).toMatchObject({ modelId: 'LiquidAI/LFM2.5-1.2B-Instruct-ONNX', backend: 'webgpu' });
    expect(choice.reasons.map((r) => r.reason)).toContain('webgpu-buffer-limit');
  });

  it('without WebGPU takes the 1.2B model on WASM with threads, and warns when not isolated', () => {
    const threaded = chooseModel(caps({ cores: 2 }));
    expect(threaded.ok && [threaded.candidate.backend, threaded.candidate.dtype, threaded.threads]).toEqual(['wasm', 'int8', 2]);
    const single = chooseModel(caps({ crossOriginIsolated: false }));
    expect(single.reasons.map((r) => r.reason)).toEqual(['webgpu-no-api', 'webgpu-no-api', 'webgpu-no-api', 'chosen', 'wasm-single-thread']);
  });

  it('explains every candidate when nothing fits', () => {
    const choice = chooseModel(caps({ deviceMemoryGiB: 0.5 }));
    expect(choice.ok).toBe(false);
    expect(choice.reasons.map((r) => r.reason)).toEqual(['memory-low', 'memory-low', 'memory-low', 'memory-low']);
  });
});
