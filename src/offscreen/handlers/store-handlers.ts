import { createSessionFromSource } from '../../engine/tensor-by-tensor-file';
import type { ModelGraph } from '../../engine/model-source';
import { PagewiseError, type EngineHandlers, type EngineState, type storeCommands } from '../../protocol';
import { DEFAULT_CHUNK_BYTES, downloadModel, planDownload, type StoreDeps } from '../../store/model-download';
import { normalizeBaseUrl } from '../../store/model-ids';
import { knownEntries, listing, listModels } from '../../store/model-list';
import { customHubEntry, type ModelEntry } from '../../store/model-registry';
import { openModel, ortExternalData } from '../../store/open-model';
import { verifyModel } from '../../store/verify-model';
import { workerHasher } from '../../store/worker-hasher';
import { recordBytesStored, WeightDb } from '../../store/weight-db';
import type { EngineStatus } from '../engine-status';
import { executionProviders, ortRuntime } from '../ort-runtime';
import { storeModelSource } from '../store-model-source';

type StoreHandlers = Pick<EngineHandlers, keyof typeof storeCommands>;

const DEFAULT_HUB = 'https://huggingface.co';
const STATUS_INTERVAL_MS = 250;

/**
 * The weight store's side of the engine host: downloads run here (the one context that outlives the UI
 * pages), one per model at a time; the engine badge shows their progress.
 */
export function storeHandlers(status: EngineStatus): StoreHandlers {
  const deps: StoreDeps = {
    db: new WeightDb(),
    fetchFn: (input, init) => fetch(input, init),
    estimate: () => navigator.storage.estimate(),
    createHasher: workerHasher,
  };
  const downloads = new Map<string, AbortController>();

  async function entryFor(modelId: string): Promise<ModelEntry> {
    const entry = (await knownEntries(deps.db)).find((candidate) => candidate.id === modelId) ?? (await deps.db.getModel(modelId))?.entry;
    if (!entry) throw new PagewiseError('bad-message', `Unknown model "${modelId}".`);
    return entry;
  }

  function hubUrl(value: string | undefined): string {
    try {
      return normalizeBaseUrl(value ?? DEFAULT_HUB);
    } catch (error) {
      throw new PagewiseError('bad-message', error instanceof Error ? error.message : String(error));
    }
  }

  /** Puts the badge back as it was before a download that did not finish (the engine's own phase wins). */
  function restore(before: EngineState): void {
    if (status.state.phase !== 'downloading') return;
    const phase = before.phase === 'busy' ? (before.modelId ? 'ready' : 'no-model') : before.phase;
    if (phase === 'stopped' || phase === 'downloading') status.set({ phase: 'no-model' });
    else status.set({ phase, ...(before.modelId ? { modelId: before.modelId } : {}), ...(before.error ? { error: before.error } : {}) });
  }

  return {
    'store.list-models': () => listModels(deps, (id) => downloads.has(id)),

    'store.plan-download': async ({ modelId, hubBaseUrl }, { signal }) => {
      const { plan } = await planDownload(deps, await entryFor(modelId), hubUrl(hubBaseUrl), signal);
      return plan;
    },

    'store.download': async (payload, { signal, emit }) => {
      const entry = await entryFor(payload.modelId);
      if (downloads.has(entry.id)) throw new PagewiseError('bad-message', `${entry.label} is already downloading.`);
      const controller = new AbortController();
      const abort = (): void => controller.abort(signal.reason);
      signal.addEventListener('abort', abort, { once: true });
      downloads.set(entry.id, controller);
      let lastStatus = 0;
      const before = status.state;
      status.set({ phase: 'downloading', modelId: entry.id, progress: 0 });
      try {
        const outcome = await downloadModel(deps, {
          entry,
          hubBaseUrl: hubUrl(payload.hubBaseUrl),
          approvedBytes: payload.consent.approvedBytes,
          chunkBytes: payload.chunkBytes ?? DEFAULT_CHUNK_BYTES,
          ...(payload.stallTimeoutMs ? { stallMs: payload.stallTimeoutMs } : {}),
          signal: controller.signal,
          onProgress: (progress) => {
            emit({ type: 'progress', ...progress });
            const now = performance.now();
            if (now - lastStatus < STATUS_INTERVAL_MS) return;
            lastStatus = now;
            const { bytes, totalBytes } = progress.overall;
            status.set({ phase: 'downloading', modelId: entry.id, progress: totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 0 });
          },
          onNotice: (notice) => emit(notice),
        });
        if (outcome.status === 'verified') status.set({ phase: 'ready', modelId: entry.id });
        else restore(before);
        return outcome;
      } catch (error) {
        if (controller.signal.aborted) {
          restore(before);
          throw new PagewiseError('cancelled', 'The download was paused.');
        }
        const message = error instanceof Error ? error.message : String(error);
        status.set({ phase: 'error', modelId: entry.id, error: { code: 'internal', message } });
        throw new PagewiseError('internal', message);
      } finally {
        signal.removeEventListener('abort', abort);
        downloads.delete(entry.id);
      }
    },

    'store.delete-model': async ({ modelId, forgetEntry }) => {
      const running = downloads.get(modelId);
      if (running) {
        running.abort(new DOMException('The model was deleted.', 'AbortError'));
        // The download loop stops at its next step; wait for it so no chunk lands after the delete.
        for (let i = 0; i < 100 && downloads.has(modelId); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const record = await deps.db.getModel(modelId);
      await deps.db.deleteModel(modelId);
      if (forgetEntry) await deps.db.deleteCustomEntry(modelId);
      return { freedBytes: record ? recordBytesStored(record) : 0 };
    },

    'store.verify-model': async ({ modelId }, { signal, emit }) => {
      if (downloads.has(modelId)) throw new PagewiseError('bad-message', 'Wait for the download to finish, or pause it, before verifying.');
      let last = 0;
      const outcome = await verifyModel(deps.db, modelId, signal, (bytes, totalBytes) => {
        const now = performance.now();
        if (now - last < STATUS_INTERVAL_MS && bytes < totalBytes) return;
        last = now;
        emit({ type: 'progress', bytes, totalBytes });
      });
      return outcome;
    },

    'store.add-custom-model': async (payload) => {
      let entry: ModelEntry;
      try {
        entry = customHubEntry({ ...payload, ...(payload.baseUrl ? { baseUrl: payload.baseUrl } : {}) });
      } catch (error) {
        throw new PagewiseError('bad-message', error instanceof Error ? error.message : String(error));
      }
      await deps.db.putCustomEntry(entry);
      return listing(entry, await deps.db.getModel(entry.id), false);
    },

    // 'engine' (the default) reads the files with the engine's own source (storeModelSource: the graph, then each
    // external tensor, let go of as ORT copies it); 'blob-url' is kept to compare.
    'store.load-check': async ({ modelId, backend, externalData = 'engine', run }) => {
      const ort = await ortRuntime(backend);
      const start = performance.now();
      let openMs = 0;
      let keptEveryTensor = false;
      // The engine's session options (generation-handlers.ts createSession), less what only matters when running.
      const create = (graph: ModelGraph) => {
        openMs ||= performance.now() - start;
        return ort.InferenceSession.create(graph.bytes, { executionProviders: executionProviders(backend), externalData: graph.externalData, graphOptimizationLevel: 'all' });
      };
      let session: Awaited<ReturnType<typeof create>>;
      if (externalData === 'engine') {
        const dtype = (await deps.db.getModel(modelId))?.entry.dtype ?? '';
        session = await createSessionFromSource(
          (options) => {
            keptEveryTensor = options.keepEveryTensor ?? false;
            return storeModelSource(modelId).graph(dtype, undefined, options);
          },
          create,
        );
      } else {
        const model = await openModel(modelId, deps.db);
        const urls = await ortExternalData(model);
        try {
          session = await create({ bytes: await model.graph.bytes(), externalData: urls.externalData });
        } finally {
          urls.revoke();
        }
      }
      const createMs = performance.now() - start - openMs;
      try {
        let output: number[] | undefined;
        if (run) {
          const outputs = await session.run({ [run.name]: new ort.Tensor('float32', Float32Array.from(run.data), run.dims) });
          const first = outputs[session.outputNames[0]!];
          output = first ? Array.from((await first.getData()) as Float32Array) : undefined;
        }
        return { openMs, createMs, keptEveryTensor, inputNames: [...session.inputNames], outputNames: [...session.outputNames], ...(output ? { output } : {}) };
      } finally {
        await session.release();
      }
    },
  };
}
