import * as ort from 'onnxruntime-web/webgpu';
import type { Backend } from '../protocol';

/**
 * onnxruntime-web configured for the extension: its wasm files ship in the package under `ort/` (never a
 * CDN), and WASM runs multi-threaded, which cross-origin isolation (COOP/COEP in the manifest) allows.
 */
let configured = false;

export function ortRuntime(): typeof ort {
  if (!configured) {
    ort.env.wasm.wasmPaths = chrome.runtime.getURL('ort/');
    ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    ort.env.logLevel = 'error';
    configured = true;
  }
  return ort;
}

export function executionProviders(backend: Backend): ort.InferenceSession.SessionOptions['executionProviders'] {
  return backend === 'webgpu' ? ['webgpu'] : ['wasm'];
}

/** Describes the WebGPU adapter, or explains why there is none, without throwing. */
export async function describeWebGpuAdapter(): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return undefined;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return undefined;
  const { vendor, architecture, description } = adapter.info;
  return [vendor, architecture, description].filter(Boolean).join(' ') || 'unknown adapter';
}
