import { PagewiseError, type EngineHandlers, type ModelSummary, type storeCommands } from '../../protocol';
import { DEFAULT_CHUNK_BYTES, downloadModel, planDownload, spaceFigures, type StoreDeps } from '../../store/model-download';
import { normalizeBaseUrl } from '../../store/model-ids';
import { BUILT_IN_MODELS, customHubEntry, type ModelEntry } from '../../store/model-registry';
import { openModel, ortExternalData } from '../../store/open-model';
import { verifyModel } from '../../store/verify-model';
import { workerHasher } from '../../store/worker-hasher';
import { recordBytesStored, recordTotalBytes, WeightDb, type ModelRecord } from '../../store/weight-db';
import type { EngineStatus } from '../engine-status';
import { executionProviders, ortRuntime } from '../ort-runtime';

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

  async function entries(): Promise<ModelEntry[]> {
    return [...BUILT_IN_MODELS, ...(await deps.db.getCustomEntries())];
  }

  async function entryFor(modelId: string): Promise<ModelEntry> {
    const entry = (await entries()).find((candidate) => candidate.id === modelId) ?? (await deps.db.getModel(modelId))?.entry;
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

  function summary(entry: ModelEntry, record: ModelRecord | undefined): ModelSummary {
    return {
      id: entry.id,
      label: entry.label,
      source: entry.source,
      ...(entry.repo ? { repo: entry.repo } : {}),
      ...(entry.revision ? { revision: entry.revision } : {}),
      ...(record?.commit ? { commit: record.commit } : {}),
      dtype: entry.dtype,
      backend: entry.backend,
      custom: entry.custom,
      state: record ? record.state : 'absent',
      sizeBytes: record ? recordTotalBytes(record) : entry.approxBytes,
      storedBytes: record ? recordBytesStored(record) : 0,
      downloading: downloads.has(entry.id),
    };
  }

  async function settle(): Promise<void> {
    const verified = (await deps.db.listModels()).find((record) => record.state === 'verified');
    status.set(verified ? { phase: 'ready', modelId: verified.entry.id } : { phase: 'no-model' });
  }
  // A host started after a download finished must not claim there is no model.
  if (status.state.phase === 'no-model') void settle().catch(() => undefined);

  return {
    'store.list-models': async () => {
      const records = new Map((await deps.db.listModels()).map((record) => [record.entry.id, record]));
      const known = await entries();
      const extra = [...records.values()].map((record) => record.entry).filter((entry) => !known.some((k) => k.id === entry.id));
      const models = [...known, ...extra].map((entry) => summary(entry, records.get(entry.id)));
      return { models, ...(await spaceFigures(deps.estimate)) };
    },

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
        else await settle();
        return outcome;
      } catch (error) {
        if (controller.signal.aborted) {
          await settle();
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
      await settle();
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
      await settle();
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
      return summary(entry, await deps.db.getModel(entry.id));
    },

    'store.load-check': async ({ modelId, backend, externalData = 'blob-url', run }) => {
      const ort = await ortRuntime(backend);
      const start = performance.now();
      const model = await openModel(modelId, deps.db);
      const graph = new Uint8Array(await (await model.graph.blob()).arrayBuffer());
      const urls = externalData === 'blob-url' ? await ortExternalData(model) : undefined;
      const pieces =
        urls?.externalData ??
        (await Promise.all(model.externalData.map(async (data) => ({ path: data.name, data: new Uint8Array(await (await data.blob()).arrayBuffer()) }))));
      const openMs = performance.now() - start;
      const session = await ort.InferenceSession.create(graph, { executionProviders: executionProviders(backend), externalData: pieces });
      const createMs = performance.now() - start - openMs;
      urls?.revoke();
      try {
        let output: number[] | undefined;
        if (run) {
          const outputs = await session.run({ [run.name]: new ort.Tensor('float32', Float32Array.from(run.data), run.dims) });
          const first = outputs[session.outputNames[0]!];
          output = first ? Array.from((await first.getData()) as Float32Array) : undefined;
        }
        return { openMs, createMs, inputNames: [...session.inputNames], outputNames: [...session.outputNames], ...(output ? { output } : {}) };
      } finally {
        await session.release();
      }
    },
  };
}
