import { probeCapabilities } from '../engine/capability-probe';
import { ProtobufFormatError } from '../model/onnx/protobuf-reader';
import { Engine } from '../engine/engine';
import { speedKey, type SpeedStore } from '../engine/device-speed';
import type { ModelGraph } from '../engine/model-source';
import { chooseModel, judgeModels } from '../engine/model-choice';
import type { OrtApi, OrtSession } from '../engine/ort-types';
import { BACKENDS, PagewiseError, type Backend, type CommandEvent, type CommandResult, type HardwareReport } from '../protocol';
import { activeModelId, rememberActiveModel } from '../store/active-model';
import { loadableModels } from '../store/model-list';
import { BUILT_IN_MODELS, candidatesOf } from '../store/model-registry';
import { recordTotalBytes, WeightDb } from '../store/weight-db';
import { EngineStatus } from './engine-status';
import { executionProviders, OrtRuntimes, type OrtRuntime } from './ort-runtime';
import { storeModelSource } from './store-model-source';
import { untilAborted } from './until-aborted';

type LoadResult = CommandResult<'engine.load'>;
type LoadProgress = CommandEvent<'engine.load'>;

interface Loaded {
  engine: Engine;
  result: LoadResult;
  /** Settles when the GPU device the engine runs on is lost (WebGPU only). */
  deviceLost: Promise<GPUDeviceLostInfo> | undefined;
}

/**
 * How long a failed WebGPU run waits for `device.lost` to settle: the run's error can arrive a moment before
 * the loss does. Only failures pay it, and only on WebGPU.
 */
const DEVICE_LOSS_GRACE_MS = 1000;

/**
 * The engine host's one owner of the model: what is loaded, loading it from the weight store with progress,
 * making sure a model is ready when work arrives (the user's active model, else the best verified one for this
 * device), unloading, and what a failed run means. Every capability's handlers get this object and reach the
 * model only through it.
 *
 * A lost WebGPU device leaves ORT unusable in this document, so the host reports it and calls `restart` (the
 * document reloads): the worker sees the port drop, fails what was in flight, and the next load starts on a
 * fresh device. Idle unloading needs nothing here: the worker closes this whole document after the idle time
 * (background/host-document.ts), which gives back every byte the model held.
 */
export class EngineHost {
  readonly status = new EngineStatus();
  readonly ort = new OrtRuntimes();
  private loaded: Loaded | undefined;
  /** The load ensure-ready started, shared by every request that arrives while it runs. */
  private ensuring: Promise<LoadResult> | undefined;
  private readonly ensureListeners = new Set<(event: LoadProgress) => void>();
  /** Models that failed to load or to run in this document, with why: passed over when choosing what to load. */
  private readonly failed = new Map<string, string>();
  /** Loads run one after another: two at once would both unload, then one engine would be dropped undisposed. */
  private loads: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: WeightDb,
    private readonly restart: () => void,
  ) {}

  /** What this device offers and which built-in model fits it, with every reason. */
  async hardware(): Promise<HardwareReport> {
    const caps = await probeCapabilities(navigator as never, self.crossOriginIsolated);
    const candidates = candidatesOf(BUILT_IN_MODELS);
    return { ...caps, choice: chooseModel(caps, candidates), verdicts: judgeModels(caps, candidates) };
  }

  /** Loads a stored model (replacing the loaded one) on `backend`, by default the one it was stored for. */
  load(modelId: string, backend: Backend | undefined, signal: AbortSignal, emit: (event: LoadProgress) => void): Promise<LoadResult> {
    const run = this.loads.then(() => this.loadNow(modelId, backend, signal, emit));
    this.loads = run.catch(() => undefined);
    return run;
  }

  private async loadNow(modelId: string, backend: Backend | undefined, signal: AbortSignal, emit: (event: LoadProgress) => void): Promise<LoadResult> {
    signal.throwIfAborted();
    const start = performance.now();
    const record = await this.db.getModel(modelId);
    if (!record) throw new PagewiseError('no-model', `${modelId} is not in the store. Download it in Models and settings.`);
    const target = backend ?? record.backend;
    if (target === 'webgpu' && 'unavailable' in (await this.hardware()).webgpu) {
      throw new PagewiseError('unsupported', 'WebGPU is not available in this browser or on this GPU.');
    }
    await this.unloadNow();
    const modelLabel = record.entry.label;
    this.status.set({ phase: 'loading', modelId, modelLabel, progress: 0 });
    // Reading the files is most of a cold load; the session takes the rest.
    const progress = (stage: string, fraction: number) => {
      this.status.set({ phase: 'loading', modelId, modelLabel, progress: fraction });
      emit({ type: 'progress', stage, fraction });
    };
    progress('read', 0);
    let sessionStart = 0;
    try {
      const ort = await this.ort.get(target);
      const caps = await probeCapabilities(navigator as never, self.crossOriginIsolated);
      const engine = await Engine.load({
        ort: ort as unknown as OrtApi,
        source: storeModelSource(modelId, this.db, (read) => progress('read', 0.8 * read)),
        // What this device's speed with this model was, learnt over earlier loads (engine/device-speed.ts).
        speedStore: localSpeedStore,
        // The context this device affords beside the weights (engine/context-plan.ts).
        memory: {
          backend: target,
          weightBytes: recordTotalBytes(record),
          ...(caps.deviceMemoryGiB !== undefined ? { deviceMemoryGiB: caps.deviceMemoryGiB } : {}),
          ...(target === 'webgpu' && 'maxStorageBufferBindingSize' in caps.webgpu ? { maxBindingBytes: caps.webgpu.maxStorageBufferBindingSize } : {}),
        },
        // A stored model has exactly one graph, the one its entry names; the store downloaded nothing else.
        dtype: record.dtype,
        signal,
        createSession: (graph) => {
          progress('session', 0.8);
          sessionStart ||= performance.now();
          return createSession(ort, graph, target);
        },
      });
      // A graph can load and still fail its first run (a kernel the backend refuses only when it runs): find out
      // now, not in the middle of the user's first answer.
      await engine.warmUp().catch(async (error: unknown) => {
        await engine.dispose();
        throw error;
      });
      const end = performance.now();
      const result: LoadResult = {
        modelId,
        backend: target,
        dtype: record.dtype,
        threads: target === 'wasm' ? (ort.env.wasm.numThreads ?? 1) : 0,
        loadMs: end - start,
        readMs: (sessionStart || end) - start,
        sessionMs: sessionStart ? end - sessionStart : 0,
        contextTokens: engine.contextTokens,
      };
      const deviceLost = target === 'webgpu' ? deviceLoss(ort) : undefined;
      this.loaded = { engine, result, deviceLost };
      void deviceLost?.then((info) => this.lostDevice(info));
      await rememberActiveModel(modelId);
      this.status.set({ phase: 'ready', modelId, modelLabel });
      emit({ type: 'progress', stage: 'ready', fraction: 1 });
      return result;
    } catch (error) {
      // A graph file that does not parse was damaged after it was stored whole: say so, and what mends it.
      const message = error instanceof ProtobufFormatError ? `its graph file is damaged (${error.message}); Check files again in the settings finds what to fetch again` : error instanceof Error ? error.message : String(error);
      this.status.set({ phase: 'error', modelId, modelLabel, error: { code: 'internal', message } });
      throw new PagewiseError(signal.aborted ? 'cancelled' : 'internal', `The model could not be loaded: ${message}`);
    }
  }

  /**
   * The engine of the loaded model, else of the user's active model, else of the best verified model this device
   * runs, loaded now: what every job calls before it generates. The load is shared: requests arriving while it
   * runs wait for the same one, and a caller that gives up does not stop it for the others. Fails with
   * `no-model` when nothing stored fits.
   */
  async readyEngine(signal: AbortSignal, onProgress: (fraction: number) => void): Promise<Engine> {
    if (!this.loaded) {
      this.ensuring ??= this.loadBestStored().finally(() => {
        this.ensuring = undefined;
      });
      const listener = (event: LoadProgress) => onProgress(event.fraction);
      this.ensureListeners.add(listener);
      try {
        await untilAborted(this.ensuring, signal);
      } finally {
        this.ensureListeners.delete(listener);
      }
    }
    const engine = this.loaded?.engine;
    if (!engine) throw new PagewiseError('engine-crashed', 'The model was unloaded while starting. Try again.');
    return engine;
  }

  /** The loaded engine, without loading one: work that must not start a load by itself. */
  loadedEngine(): Engine {
    if (!this.loaded) throw new PagewiseError('unsupported', 'No model is loaded yet.');
    return this.loaded.engine;
  }

  /** The backend `engine` runs on, while it is the loaded one. */
  backendOf(engine: Engine): Backend | undefined {
    return this.loaded?.engine === engine ? this.loaded.result.backend : undefined;
  }

  /** Lets go of the loaded model, waiting for a load in progress rather than racing it. */
  async unload(): Promise<boolean> {
    await this.loads;
    return this.unloadNow();
  }

  /**
   * A model was deleted from the store: if it is the loaded one (or the one the badge names), let it go, so the
   * badge never says "Ready" beside a model that is gone.
   */
  async forget(modelId: string): Promise<void> {
    await this.loads;
    if (this.loaded?.result.modelId === modelId) await this.unloadNow();
    if (this.status.state.modelId === modelId && this.status.modelPhase !== 'loading') this.status.set({ phase: 'no-model' });
    // What this device learnt of the model's speed goes with it (a folder imported later under the same name is
    // another model); after the unload, so a request that was still running cannot write it back.
    for (const backend of BACKENDS) localSpeedStore.remove(speedKey(modelId, backend));
  }

  private async unloadNow(): Promise<boolean> {
    const current = this.loaded;
    this.loaded = undefined;
    if (current) await current.engine.dispose();
    return current !== undefined;
  }

  /**
   * Runs `work` on `engine`, reporting a failure as what it means to the user. A lost device fails ORT's run
   * first (a failed buffer download, or mapAsync's AbortError, which the port would report as "cancelled"), and
   * that error reaches the caller before this document reloads. Nobody cancelled and nothing in the request was
   * wrong: the engine broke, so say that. Every capability that generates runs through this.
   */
  async run<T>(engine: Engine, signal: AbortSignal, work: (engine: Engine) => Promise<T>): Promise<T> {
    try {
      return await work(engine);
    } catch (error) {
      const lost = this.loaded?.engine === engine ? this.loaded.deviceLost : undefined;
      if (lost && !signal.aborted && (await settlesWithin(lost, DEVICE_LOSS_GRACE_MS))) {
        throw new PagewiseError('engine-crashed', 'The GPU device was lost while generating; the engine is restarting. Try again.');
      }
      throw error;
    }
  }

  /**
   * Loads the first stored model this device runs, in the order of preference; a model that fails to load or to
   * run is passed over for the next one (and not tried again while this document lives), and the state says so.
   * When none is left, the error names each failure and the model to download instead.
   */
  private async loadBestStored(): Promise<LoadResult> {
    const caps = await probeCapabilities(navigator as never, self.crossOriginIsolated);
    let candidates = (await loadableModels(this.db, await activeModelId())).filter((c) => !this.failed.has(c.modelId));
    const failures: string[] = [];
    for (;;) {
      const choice = chooseModel(caps, candidates);
      if (!choice.ok) break;
      const { modelId, backend } = choice.candidate;
      try {
        // Not tied to one caller's signal: a load someone else waits for (or the next request) still gets used.
        const result = await this.load(modelId, backend, new AbortController().signal, (event) => this.ensureListeners.forEach((listener) => listener(event)));
        if (failures.length > 0) this.status.set({ phase: 'ready', modelId, modelLabel: await labelOf(this.db, modelId), notice: `Using ${await labelOf(this.db, modelId)}: ${failures.join('; ')}.` });
        return result;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.failed.set(modelId, reason);
        failures.push(`${await labelOf(this.db, modelId)} did not run here (${reason})`);
        candidates = candidates.filter((c) => c.modelId !== modelId);
      }
    }
    const instead = chooseModel(caps, candidatesOf(BUILT_IN_MODELS.filter((model) => !this.failed.has(model.id))));
    const suggestion = instead.ok ? ` ${BUILT_IN_MODELS.find((model) => model.id === instead.candidate.modelId)?.label} runs on this device: download it in Models and settings.` : '';
    if (failures.length > 0) throw new PagewiseError('no-model', `No downloaded model runs here: ${failures.join('; ')}.${suggestion}`);
    // Nothing stored yet, but a model is on its way: say that, not "download one".
    const coming = this.status.state.downloads?.[0];
    if (coming) throw new PagewiseError('model-downloading', `${coming.label} is still ${coming.converting ? 'being downloaded and converted' : 'downloading'}.`);
    throw new PagewiseError('no-model', 'No downloaded model fits this device yet. Download one in Models and settings.');
  }

  private lostDevice(info: GPUDeviceLostInfo): void {
    this.status.set({ phase: 'error', error: { code: 'engine-crashed', message: `The GPU device was lost (${info.message}); restarting the engine.` } });
    this.restart();
  }
}


function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void work.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
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

async function labelOf(db: WeightDb, modelId: string): Promise<string> {
  return (await db.getModel(modelId))?.entry.label ?? modelId;
}

/** The host's localStorage (extension origin, this profile), where learnt speeds outlive the document. */
const localSpeedStore: SpeedStore & { remove(key: string): void } = {
  read: (key) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  write: (key, value) => {
    try {
      localStorage.setItem(key, value);
    } catch {
      // Storage full or refused: the speed is learnt again next time.
    }
  },
  remove: (key: string) => {
    try {
      localStorage.removeItem(key);
    } catch {
      // Refused: nothing was kept.
    }
  },
};
