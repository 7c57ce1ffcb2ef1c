// What this machine offers the engine: a WebGPU adapter and its limits, device memory, cross-origin isolation
// (which WASM threads need) and cores. Never throws: anything missing is recorded with the reason. The shape
// of what it finds is the protocol's (protocol/model-fit.ts), since the hardware report carries it to the UI.
import type { Capabilities } from '../protocol/model-fit';

export type { Capabilities };

interface NavigatorLike {
  gpu?: { requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null> };
  deviceMemory?: number;
  hardwareConcurrency?: number;
}

interface AdapterLike {
  features: { has(name: string): boolean };
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

/**
 * A software adapter draws on the CPU (SwiftShader, what Chromium offers where there is no usable GPU): slower
 * than the CPU path's own WASM kernels, so it does not count as a GPU for choosing a model.
 */
function isSoftware(info: NonNullable<AdapterLike['info']>): boolean {
  return info.isFallbackAdapter === true || /swiftshader|llvmpipe|software/i.test(`${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`);
}

export async function probeCapabilities(nav: NavigatorLike, crossOriginIsolated: boolean): Promise<Capabilities> {
  const base = {
    ...(typeof nav.deviceMemory === 'number' ? { deviceMemoryGiB: nav.deviceMemory } : {}),
    crossOriginIsolated,
    cores: nav.hardwareConcurrency ?? 1,
  };
  if (!nav.gpu) return { ...base, webgpu: { unavailable: 'no-api' } };
  let adapter: AdapterLike | null;
  try {
    adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    return { ...base, webgpu: { unavailable: 'request-failed' } };
  }
  if (!adapter) return { ...base, webgpu: { unavailable: 'no-adapter' } };
  const info = adapter.info ?? {};
  return {
    ...base,
    webgpu: {
      adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter',
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      shaderF16: adapter.features.has('shader-f16'),
      software: isSoftware(info),
    },
  };
}
