import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../../src/engine/capability-probe';
import { chooseCachedModel, type CachedModel } from '../../../src/engine/cached-model-choice';

const cpuOnly: Capabilities = { webgpu: { unavailable: 'no-api' }, crossOriginIsolated: true, cores: 4 };
const bigGpu: Capabilities = { ...cpuOnly, webgpu: { adapter: 'acme', maxBufferSize: 4 * 1024 ** 3, maxStorageBufferBindingSize: 2 * 1024 ** 3, shaderF16: true } };

const moe: CachedModel = { id: 'lfm2.5-8b-a1b', repo: 'LiquidAI/LFM2.5-8B-A1B-ONNX', dtype: 'q4f16', backend: 'webgpu', sizeBytes: 5e9 };
const cpu: CachedModel = { id: 'lfm2.5-1.2b-instruct-int8', repo: 'LiquidAI/LFM2.5-1.2B-Instruct-ONNX', dtype: 'int8', backend: 'wasm', sizeBytes: 1.3e9 };
const custom: CachedModel = { id: 'me/tiny@main#q4', repo: 'me/tiny', dtype: 'q4', backend: 'wasm', sizeBytes: 5e6 };

const picked = (...args: Parameters<typeof chooseCachedModel>) => {
  const choice = chooseCachedModel(...args);
  return choice.ok ? choice.candidate.modelId : undefined;
};

describe('which downloaded model loads when none is loaded', () => {
  it('takes the best cached model this device runs, by the store id', () => {
    expect(picked(bigGpu, [cpu, moe])).toBe('lfm2.5-8b-a1b');
    expect(picked(cpuOnly, [moe, cpu])).toBe('lfm2.5-1.2b-instruct-int8');
  });

  it('prefers the active model, but never one the device cannot run', () => {
    expect(picked(bigGpu, [moe, cpu], 'lfm2.5-1.2b-instruct-int8')).toBe('lfm2.5-1.2b-instruct-int8');
    expect(picked(cpuOnly, [moe, cpu], 'lfm2.5-8b-a1b')).toBe('lfm2.5-1.2b-instruct-int8');
  });

  it('falls back to a custom model, and to nothing when only a GPU model is cached on a CPU-only machine', () => {
    expect(picked(cpuOnly, [custom])).toBe('me/tiny@main#q4');
    expect(picked(cpuOnly, [moe])).toBeUndefined();
    expect(picked(cpuOnly, [])).toBeUndefined();
  });
});
