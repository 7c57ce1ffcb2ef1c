import { buildSelfTestModel } from '../model/onnx/self-test-model';
import { PagewiseError, type Backend, type SelfTestResult } from '../protocol';
import { describeWebGpuAdapter, executionProviders, ortRuntime } from './ort-runtime';

/**
 * Runs a small built-in model on `backend` and compares ORT's output with the answer computed in
 * JavaScript: proves the backend loads, runs and computes correctly on this machine.
 */
export async function runSelfTest(backend: Backend, signal: AbortSignal, onStage: (stage: string, fraction: number) => void): Promise<SelfTestResult> {
  const ort = await ortRuntime(backend);
  const adapter = backend === 'webgpu' ? await describeWebGpuAdapter() : undefined;
  if (backend === 'webgpu' && adapter === undefined) {
    throw new PagewiseError('unsupported', 'WebGPU is not available in this browser or on this GPU.');
  }
  const model = buildSelfTestModel();
  onStage('create-session', 0);
  const createStart = performance.now();
  const session = await ort.InferenceSession.create(model.bytes, { executionProviders: executionProviders(backend) });
  try {
    const createMs = performance.now() - createStart;
    if (signal.aborted) throw new PagewiseError('cancelled', 'The request was cancelled.');
    onStage('run', 0.5);
    const input = new ort.Tensor('float32', model.input.data, model.input.dims);
    const runStart = performance.now();
    const outputs = await session.run({ [model.input.name]: input });
    const runMs = performance.now() - runStart;
    const output = outputs[model.outputName];
    if (!output) throw new PagewiseError('internal', `Self-test model produced no "${model.outputName}".`);
    const actual = (await output.getData()) as Float32Array;
    let maxAbsError = 0;
    for (let i = 0; i < model.expected.length; i++) {
      maxAbsError = Math.max(maxAbsError, Math.abs((actual[i] ?? Number.NaN) - model.expected[i]!));
    }
    onStage('done', 1);
    return {
      backend,
      maxAbsError: Number.isFinite(maxAbsError) ? maxAbsError : Number.MAX_VALUE,
      crossOriginIsolated: self.crossOriginIsolated,
      wasmThreads: ort.env.wasm.numThreads ?? 1,
      createMs,
      runMs,
      ...(adapter ? { adapter } : {}),
    };
  } finally {
    await session.release();
  }
}
