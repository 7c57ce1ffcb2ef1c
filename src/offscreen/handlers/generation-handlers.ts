import { probeCapabilities } from '../../engine/capability-probe';
import { Engine } from '../../engine/engine';
import type { ModelGraph } from '../../engine/model-source';
import { chooseModel, type Backend } from '../../engine/model-choice';
import type { OrtApi, OrtSession } from '../../engine/ort-types';
import { UrlModelSource } from '../../engine/url-model-source';
import { rememberActiveModel } from '../../store/active-model';
import { WeightDb } from '../../store/weight-db';
import { PagewiseError, type EngineEvent, type EngineHandlers, type EnginePayload, type EngineResult, type generationCommands } from '../../protocol';
import type { EngineStatus } from '../engine-status';
import { generationFailure, loadedEngine, setEngineEnsurer, setLoadedEngine } from '../loaded-engine';
import { cachedModelToLoad } from '../model-readiness';
import { storeModelSource } from '../store-model-source';
import { executionProviders, ortRuntime, type OrtRuntime } from '../ort-runtime';

type GenerationHandlers = Pick<EngineHandlers, keyof typeof generationCommands>;
type LoadResult = EngineResult<'engine.load'>;
type LoadProgress = EngineEvent<'engine.load'>;

/**
 * Hosts the engine: probes the hardware, loads a model from the weight store (or a loopback server in tests)
 * onto WebGPU or WASM, and serves generation. A lost WebGPU device leaves ORT unusable in this document, so
 * the host reports it and reloads the document: the worker sees the port drop, fails what was in flight, and
 * the next load starts on a fresh device. Work that needs a model calls ensure-ready (directly, or through
 * loaded-engine.ts), which loads the user's cached model when none is: after first use and after the worker
 * closed this document when idle.
 */
export function generationHandlers(status: EngineStatus): GenerationHandlers {
  let engine: { instance: Engine; backend: Backend; result: LoadResult } | undefined;
  /** The load ensure-ready started, shared by every request that arrives while it runs. */
  let ensuring: Promise<LoadResult> | undefined;
  const listeners = new Set<(event: LoadProgress) => void>();

  const hardware = async () => {
    const caps = await probeCapabilities(navigator as never, self.crossOriginIsolated);
    return { ...caps, choice: chooseModel(caps) };
  };

  const unload = async () => {
    const current = engine;
    engine = undefined;
    setLoadedEngine(undefined);
    if (current) await current.instance.dispose();
    return current !== undefined;
  };

  const load = async (payload: EnginePayload<'engine.load'>, signal: AbortSignal, emit: (event: LoadProgress) => void): Promise<LoadResult> => {
    const start = performance.now();
    const report = await hardware();
    const stored = payload.source.kind === 'store' ? await storedEntry(payload.source.modelId) : undefined;
    const backend = payload.backend ?? stored?.backend ?? (report.choice.ok ? report.choice.candidate.backend : undefined);
    if (!backend) throw new PagewiseError('unsupported', 'No model fits this device; the hardware panel explains why.');
    if (backend === 'webgpu' && 'unavailable' in report.webgpu) throw new PagewiseError('unsupported', 'WebGPU is not available in this browser or on this GPU.');
    // A stored model has exactly one graph, the one its entry names; the store downloaded nothing else.
    const dtype =
      stored?.dtype ??
      payload.dtype ??
      (report.choice.ok && report.choice.candidate.backend === backend ? report.choice.candidate.dtype : backend === 'webgpu' ? 'q4f16' : 'int8');
    await unload();
    const modelId = payload.source.kind === 'store' ? payload.source.modelId : payload.source.url;
    status.set({ phase: 'loading', modelId, progress: 0 });
    // Reading the files is most of a cold load; the session takes the rest.
    const progress = (stage: string, fraction: number) => {
      status.set({ phase: 'loading', modelId, progress: fraction });
      emit({ type: 'progress', stage, fraction });
    };
    progress('read', 0);
    try {
      const ort = await ortRuntime(backend);
      const source =
        payload.source.kind === 'loopback'
          ? new UrlModelSource(payload.source.url, payload.source.url)
          : storeModelSource(payload.source.modelId, (read) => progress('read', 0.8 * read));
      const instance = await Engine.load({
        ort: ort as unknown as OrtApi,
        source,
        dtype,
        signal,
        createSession: (graph) => {
          progress('session', 0.8);
          return createSession(ort, graph, backend);
        },
      });
      const result = { modelId, backend, dtype, threads: backend === 'wasm' ? (ort.env.wasm.numThreads ?? 1) : 0, loadMs: performance.now() - start };
      const deviceLost = backend === 'webgpu' ? deviceLoss(ort) : undefined;
      engine = { instance, backend, result };
      setLoadedEngine(instance, deviceLost);
      void deviceLost?.then((info) => restartAfterLoss(info, status));
      if (payload.source.kind === 'store') await rememberActiveModel(payload.source.modelId);
      status.set({ phase: 'ready', modelId });
      emit({ type: 'progress', stage: 'ready', fraction: 1 });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      status.set({ phase: 'error', modelId, error: { code: 'internal', message } });
      throw new PagewiseError(signal.aborted ? 'cancelled' : 'internal', `The model could not be loaded: ${message}`);
    }
  };

  const ensureReady = async (signal: AbortSignal, emit: (event: LoadProgress) => void): Promise<LoadResult & { alreadyLoaded: boolean }> => {
    if (engine) return { ...engine.result, alreadyLoaded: true };
    ensuring ??= (async () => {
      const caps = await hardware();
      const candidate = await cachedModelToLoad(caps);
      if (!candidate) {
        throw new PagewiseError('no-model', 'No downloaded model fits this device yet. Download one in Models and settings.');
      }
      // Not tied to one caller's signal: a load someone else waits for (or the next request) still gets used.
      return load({ source: { kind: 'store', modelId: candidate.modelId }, backend: candidate.backend, dtype: candidate.dtype }, new AbortController().signal, (event) => listeners.forEach((l) => l(event)));
    })().finally(() => {
      ensuring = undefined;
    });
    listeners.add(emit);
    try {
      return { ...(await untilAborted(ensuring, signal)), alreadyLoaded: false };
    } finally {
      listeners.delete(emit);
    }
  };
  setEngineEnsurer(async (signal, onProgress) => {
    await ensureReady(signal, (event) => onProgress(event.fraction));
    const instance = loadedEngine();
    if (!instance) throw new PagewiseError('engine-crashed', 'The model was unloaded while starting. Try again.');
    return instance;
  });

  return {
    'engine.hardware': hardware,
    'engine.load': (payload, { signal, emit }) => load(payload, signal, emit),
    'engine.ensure-ready': (_payload, { signal, emit }) => ensureReady(signal, emit),
    'engine.unload': async () => {
      const unloaded = await unload();
      status.set({ phase: 'no-model' });
      return { unloaded };
    },
    'engine.generate': async (payload, { signal, emit }) => {
      if (!engine) throw new PagewiseError('unsupported', 'No model is loaded yet.');
      try {
        return await engine.instance.generate(toRequest(payload), signal, emit);
      } catch (error) {
        throw await generationFailure(error, signal);
      }
    },
  };
}

async function storedEntry(modelId: string): Promise<{ backend: Backend; dtype: string } | undefined> {
  const record = await new WeightDb().getModel(modelId);
  return record ? { backend: record.entry.backend, dtype: record.entry.dtype } : undefined;
}

/** Resolves with `work`, or rejects as cancelled when this caller gives up first (the work goes on). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new PagewiseError('cancelled', 'The request was cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new PagewiseError('cancelled', 'The request was cancelled.'));
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

function toRequest(payload: EnginePayload<'engine.generate'>) {
  return {
    messages: payload.messages.map(({ toolCalls, ...m }) => ({ ...m, ...(toolCalls ? { toolCalls: toolCalls as never } : {}) })),
    ...(payload.tools ? { tools: payload.tools } : {}),
    ...(payload.sampling ? { sampling: payload.sampling } : {}),
    ...(payload.maxNewTokens !== undefined ? { maxNewTokens: payload.maxNewTokens } : {}),
    ...(payload.maxThinkingTokens !== undefined ? { maxThinkingTokens: payload.maxThinkingTokens } : {}),
  };
}

async function createSession(ort: OrtRuntime, graph: ModelGraph, backend: Backend): Promise<OrtSession> {
  const session = await ort.InferenceSession.create(graph.bytes, {
    executionProviders: executionProviders(backend),
    externalData: graph.externalData,
    // Caches stay on the GPU between steps; only logits are read back (DecoderSession reads the last row).
    ...(backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
    graphOptimizationLevel: 'all',
  });
  return session as unknown as OrtSession;
}

/** Settles when the device ORT runs on is lost; never when it is destroyed on purpose (that is no crash). */
async function deviceLoss(ort: OrtRuntime): Promise<GPUDeviceLostInfo> {
  // Typed as a promise, but this onnxruntime-web build hands back the device itself once a session exists.
  const info = await (await ort.env.webgpu.device).lost;
  return info.reason === 'destroyed' ? new Promise<never>(() => {}) : info;
}

function restartAfterLoss(info: GPUDeviceLostInfo, status: EngineStatus): void {
  status.set({ phase: 'error', error: { code: 'engine-crashed', message: `The GPU device was lost (${info.message}); restarting the engine.` } });
  location.reload();
}
