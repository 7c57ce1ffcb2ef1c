import { probeCapabilities } from '../../engine/capability-probe';
import { Engine } from '../../engine/engine';
import type { ModelGraph, ModelSource } from '../../engine/model-source';
import { chooseModel, type Backend } from '../../engine/model-choice';
import type { OrtApi, OrtSession } from '../../engine/ort-types';
import { UrlModelSource } from '../../engine/url-model-source';
import { openModel } from '../../store/open-model';
import { PagewiseError, type EngineHandlers, type EnginePayload, type generationCommands } from '../../protocol';
import type { EngineStatus } from '../engine-status';
import { setLoadedEngine } from '../loaded-engine';
import { executionProviders, ortRuntime, type OrtRuntime } from '../ort-runtime';

type GenerationHandlers = Pick<EngineHandlers, keyof typeof generationCommands>;

/**
 * Hosts the engine: probes the hardware, loads a model from the weight store (or a loopback server in tests)
 * onto WebGPU or WASM, and serves generation. A lost WebGPU device leaves ORT unusable in this document, so
 * the host reports it and reloads the document: the worker sees the port drop, fails what was in flight, and
 * the next load starts on a fresh device.
 */
export function generationHandlers(status: EngineStatus): GenerationHandlers {
  let engine: { instance: Engine; backend: Backend } | undefined;

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

  return {
    'engine.hardware': hardware,
    'engine.load': async (payload, { signal, emit }) => {
      const start = performance.now();
      const report = await hardware();
      const backend = payload.backend ?? (report.choice.ok ? report.choice.candidate.backend : undefined);
      if (!backend) throw new PagewiseError('unsupported', 'No model fits this device; the hardware panel explains why.');
      if (backend === 'webgpu' && 'unavailable' in report.webgpu) throw new PagewiseError('unsupported', 'WebGPU is not available in this browser or on this GPU.');
      const dtype = payload.dtype ?? (report.choice.ok && report.choice.candidate.backend === backend ? report.choice.candidate.dtype : backend === 'webgpu' ? 'q4f16' : 'int8');
      await unload();
      const modelId = payload.source.kind === 'store' ? payload.source.modelId : payload.source.url;
      status.set({ phase: 'loading', modelId, progress: 0 });
      emit({ type: 'progress', stage: 'session', fraction: 0 });
      try {
        const ort = await ortRuntime(backend);
        const instance = await Engine.load({
          ort: ort as unknown as OrtApi,
          source: sourceFor(payload.source),
          dtype,
          signal,
          createSession: (graph) => createSession(ort, graph, backend),
        });
        engine = { instance, backend };
        setLoadedEngine(instance);
        if (backend === 'webgpu') void watchDevice(ort, status);
        status.set({ phase: 'ready', modelId });
        emit({ type: 'progress', stage: 'ready', fraction: 1 });
        return { modelId, backend, dtype, threads: backend === 'wasm' ? (ort.env.wasm.numThreads ?? 1) : 0, loadMs: performance.now() - start };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        status.set({ phase: 'error', modelId, error: { code: 'internal', message } });
        throw new PagewiseError(signal.aborted ? 'cancelled' : 'internal', `The model could not be loaded: ${message}`);
      }
    },
    'engine.unload': async () => {
      const unloaded = await unload();
      status.set({ phase: 'no-model' });
      return { unloaded };
    },
    'engine.generate': async (payload, { signal, emit }) => {
      if (!engine) throw new PagewiseError('unsupported', 'No model is loaded yet.');
      return engine.instance.generate(toRequest(payload), signal, emit);
    },
  };
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

async function watchDevice(ort: OrtRuntime, status: EngineStatus): Promise<void> {
  const device = await ort.env.webgpu.device;
  const info = await device.lost;
  if (info.reason === 'destroyed') return;
  status.set({ phase: 'error', error: { code: 'engine-crashed', message: `The GPU device was lost (${info.message}); restarting the engine.` } });
  location.reload();
}

/** The weight store's model, read as bytes for the graph and Blob URLs ORT fetches for the external data. */
function sourceFor(source: EnginePayload<'engine.load'>['source']): ModelSource {
  if (source.kind === 'loopback') return new UrlModelSource(source.url, source.url);
  return {
    id: source.modelId,
    files: async () => {
      const model = await openModel(source.modelId);
      const json = async (path: string, fallback?: Record<string, unknown>) => {
        const found = model.files.find((f) => f.path === path);
        if (!found) {
          if (fallback) return fallback;
          throw new Error(`${model.entry.label} has no ${path}.`);
        }
        return JSON.parse(await (await found.blob()).text()) as Record<string, unknown>;
      };
      return {
        config: await json('config.json'),
        generationConfig: await json('generation_config.json', {}),
        tokenizer: await json('tokenizer.json'),
        tokenizerConfig: await json('tokenizer_config.json'),
      };
    },
    graph: async () => {
      const model = await openModel(source.modelId);
      const externalData = await Promise.all(model.externalData.map(async (piece) => ({ path: piece.name, data: URL.createObjectURL(await piece.blob()) })));
      return { bytes: new Uint8Array(await (await model.graph.blob()).arrayBuffer()), externalData };
    },
  };
}
