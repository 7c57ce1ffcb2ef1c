import type * as OrtWeb from 'onnxruntime-web';
import type { Backend } from '../protocol';

/**
 * onnxruntime-web configured for the extension, one build per backend, both from the same onnxruntime-web
 * package and loaded only when first asked for (literal dynamic imports, so each is its own chunk):
 * - `wasm`: the plain WASM build (`ort.wasm.min.mjs` + `ort-wasm-simd-threaded.{mjs,wasm}`). The WebGPU
 *   build's binary (`ort-wasm-simd-threaded.asyncify.wasm`) is compiled with the JSEP/WebGPU kernels and
 *   lacks CPU contrib kernels such as GatherBlockQuantized, so q4 embeddings cannot run on its CPU EP;
 *   measured in test/e2e/engine-generate.e2e.ts.
 * - `webgpu`: the WebGPU build (`ort.webgpu.min.mjs` + `ort-wasm-simd-threaded.asyncify.{mjs,wasm}`).
 * (transformers.js, imported for the tokenizer, pulls the WebGPU build's JS in statically; a build fetches and
 * compiles its wasm binary only when its first session is created, so only the binary in use loads.)
 * Their wasm files ship in the package under `ort/` (never a CDN), and WASM runs multi-threaded, which
 * cross-origin isolation (COOP/COEP in the manifest) allows.
 */
export type OrtRuntime = typeof OrtWeb;

/** The host's onnxruntime-web builds, each imported and configured once, on first use. */
export class OrtRuntimes {
  private readonly loading = new Map<Backend, Promise<OrtRuntime>>();

  get(backend: Backend): Promise<OrtRuntime> {
    let runtime = this.loading.get(backend);
    if (!runtime) {
      runtime = (backend === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm')).then((ort) => configure(ort as OrtRuntime));
      this.loading.set(backend, runtime);
      runtime.catch(() => this.loading.delete(backend));
    }
    return runtime;
  }
}

function configure(ort: OrtRuntime): OrtRuntime {
  ort.env.wasm.wasmPaths = chrome.runtime.getURL('ort/');
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.logLevel = 'error';
  return ort;
}

export function executionProviders(backend: Backend): OrtWeb.InferenceSession.SessionOptions['executionProviders'] {
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
