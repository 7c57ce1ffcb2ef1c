import { buildSelfTestModel } from '../model/onnx/self-test-model';
import { PagewiseError, type Backend, type SelfTestResult } from '../protocol';
import { describeWebGpuAdapter, executionProviders, type OrtRuntimes } from './ort-runtime';

/** The built-in check model in a session on `backend`: each run returns its time and checks nothing. */
export interface SelfTestSession {
  adapter: string | undefined;
  createMs: number;
  wasmThreads: number;
  run(): Promise<number>;
  /** Runs once and returns the largest difference between ORT's output and the answer computed in JavaScript. */
  check(): Promise<{ maxAbsError: number; runMs: number }>;
  release(): Promise<void>;
}

export async function openSelfTestSession(runtimes: OrtRuntimes, backend: Backend): Promise<SelfTestSession> {
  const ort = await runtimes.get(backend);
  const adapter = backend === 'webgpu' ? await describeWebGpuAdapter() : undefined;
  if (backend === 'webgpu' && adapter === undefined) {
    throw new PagewiseError('unsupported', 'WebGPU is not available in this browser or on this GPU.');
  }
  const model = buildSelfTestModel();
  const createStart = performance.now();
  const session = await ort.InferenceSession.create(model.bytes, { executionProviders: executionProviders(backend) });
  const createMs = performance.now() - createStart;
  const input = new ort.Tensor('float32', model.input.data, model.input.dims);
  const timed = async () => {
    const start = performance.now();
    const outputs = await session.run({ [model.input.name]: input });
    return { outputs, runMs: performance.now() - start };
  };
  return {
    adapter,
    createMs,
    wasmThreads: ort.env.wasm.numThreads ?? 1,
    run: async () => (await timed()).runMs,
    check: async () => {
      const { outputs, runMs } = await timed();
      const output = outputs[model.outputName];
      if (!output) throw new PagewiseError('internal', `Self-test model produced no "${model.outputName}".`);
      const actual = (await output.getData()) as Float32Array;
      let maxAbsError = 0;
      for (let i = 0; i < model.expected.length; i++) {
        maxAbsError = Math.max(maxAbsError, Math.abs((actual[i] ?? Number.NaN) - model.expected[i]!));
      }
      return { maxAbsError: Number.isFinite(maxAbsError) ? maxAbsError : Number.MAX_VALUE, runMs };
    },
    release: () => session.release(),
  };
}

/**
 * Runs the small built-in model on `backend` and compares ORT's output with the answer computed in
 * JavaScript: proves the backend loads, runs and computes correctly on this machine.
 */
export async function runSelfTest(runtimes: OrtRuntimes, backend: Backend, signal: AbortSignal, onStage: (stage: string, fraction: number) => void): Promise<SelfTestResult> {
  onStage('create-session', 0);
  const test = await openSelfTestSession(runtimes, backend);
  try {
    if (signal.aborted) throw new PagewiseError('cancelled', 'The request was cancelled.');
    onStage('run', 0.5);
    const { maxAbsError, runMs } = await test.check();
    onStage('done', 1);
    return {
      backend,
      maxAbsError,
      crossOriginIsolated: self.crossOriginIsolated,
      wasmThreads: test.wasmThreads,
      createMs: test.createMs,
      runMs,
      ...(test.adapter ? { adapter: test.adapter } : {}),
    };
  } finally {
    await test.release();
  }
}
