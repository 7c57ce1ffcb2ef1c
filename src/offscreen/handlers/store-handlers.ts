import { probeCapabilities } from '../../engine/capability-probe';
import { graphProblems } from '../../engine/graph-fit';
import { chooseModel, whyNot } from '../../engine/model-choice';
import { summarizeGraph } from '../../model/onnx/graph-summary';
import { ConfigError } from '../../model/config';
import { CheckpointError } from '../../model/checkpoint-feeds';
import { SafetensorsError } from '../../model/safetensors';
import { PagewiseError, type HostHandlers, type storeCommands } from '../../protocol';
import type { Backend } from '../../protocol/model-fit';
import { CheckpointListingError } from '../../store/convert/checkpoint-files';
import { ListingMismatchError } from '../../store/listing-pins';
import { convertInWorker } from '../../store/convert/conversion-runner';
import { planModelConversion } from '../../store/convert/convert-model';
import { DEFAULT_CHUNK_BYTES, deleteStoredModel, downloadModel, readGraphFile, planDownload, type DownloadProgress, type StoreDeps } from '../../store/model-download';
import { ModelBusyError } from '../../store/model-lock';
import { normalizeBaseUrl } from '../../store/model-ids';
import { knownEntries, listing, listModels } from '../../store/model-list';
import { BUILT_IN_MODELS, candidateFor, candidatesOf, customHubEntry, localCheckpointEntry, type ModelEntry, type ModelTarget } from '../../store/model-registry';
import { verifyModel } from '../../store/verify-model';
import { workerHasher } from '../../store/worker-hasher';
import type { ModelRecord, WeightDb } from '../../store/weight-db';
import { DownloadJobs } from '../download-jobs';
import type { EngineHost } from '../engine-host';
import type { StoreNotice } from '../../store/file-download';

type StoreHandlers = Pick<HostHandlers, keyof typeof storeCommands>;

const DEFAULT_HUB = 'https://huggingface.co';
const STATUS_INTERVAL_MS = 250;

/**
 * The weight store's side of the engine host: downloads run here (the one context that outlives the UI
 * pages); the store lets one writer at a time touch a model (model-lock.ts); the engine badge shows progress.
 */
export function storeHandlers(host: EngineHost, db: WeightDb): StoreHandlers {
  const { status } = host;
  const deps: StoreDeps = {
    db,
    fetchFn: (input, init) => fetch(input, init),
    estimate: () => navigator.storage.estimate(),
    createHasher: workerHasher,
    locks: navigator.locks,
  };
  /** Downloads and conversions: they outlive the page that started them. */
  const jobs = new DownloadJobs(status);
  /** What graphProblems said of each ONNX graph checked, by graph digest, backend and adapter. */
  const checkedGraphs = new Map<string, string[]>();

  async function entryFor(modelId: string): Promise<ModelEntry> {
    const entry = (await knownEntries(deps.db)).find((candidate) => candidate.id === modelId) ?? (await deps.db.getModel(modelId))?.entry;
    if (!entry) throw new PagewiseError('bad-message', `Unknown model "${modelId}".`);
    return entry;
  }

  /**
   * The graphs of a converted model this device runs, best first. None fitting is refused now, in words, rather
   * than after gigabytes were fetched.
   */
  async function fittingTargets(entry: ModelEntry, asked: { backend?: Backend | undefined; dtype?: string | undefined } = {}): Promise<ModelTarget[]> {
    const { backend, dtype } = asked;
    const caps = await probeCapabilities(navigator as never, self.crossOriginIsolated);
    const judged = entry.targets.filter((target) => (!backend || target.backend === backend) && (!dtype || target.dtype === dtype)).map((target) => ({ target, reason: whyNot(caps, candidateFor(entry, target)!) }));
    // Asked for by name, a software adapter is slow but runs: only the automatic choice passes it over.
    const fitting = judged.filter((j) => j.reason === undefined || (backend && j.reason === 'webgpu-software')).map((j) => j.target);
    if (fitting.length === 0) {
      // In the words the hardware section uses for the same reasons (the codes meant nothing to a person).
      const why = judged.map((j) => `${j.target.dtype} on ${j.target.backend === 'webgpu' ? 'the GPU' : 'the CPU'} ${chrome.i18n.getMessage(`hardwareReason_${(j.reason ?? '').replaceAll('-', '_')}`) || j.reason}`).join(' ');
      throw new PagewiseError('unsupported', `${entry.label} does not run on this device: ${why}`);
    }
    return fitting;
  }

  /**
   * An ONNX model's graph read before any of its data is downloaded, and refused in words when this device's
   * runtime cannot run it, naming a built-in model that does run here.
   */
  async function checkOnnxGraph(record: ModelRecord, hubBaseUrl: string, signal: AbortSignal, stallMs: number | undefined): Promise<void> {
    const { entry } = record;
    const caps = await probeCapabilities(navigator as never, self.crossOriginIsolated);
    const graph = record.files.find((f) => f.path === `onnx/model_${record.dtype}.onnx`);
    // The plan checked it; the download that follows need not fetch it again. Keyed by content and device.
    const key = `${graph?.digest.hex}:${record.backend}:${JSON.stringify(caps.webgpu)}`;
    let problems = checkedGraphs.get(key);
    if (!problems) {
      problems = graphProblems(summarizeGraph(await readGraphFile(deps, record, hubBaseUrl, signal, stallMs)), record.backend, caps);
      if (checkedGraphs.size >= 32) checkedGraphs.clear();
      checkedGraphs.set(key, problems);
    }
    if (problems.length === 0) return;
    const instead = chooseModel(caps, candidatesOf(BUILT_IN_MODELS));
    const label = instead.ok ? BUILT_IN_MODELS.find((model) => model.id === instead.candidate.modelId)?.label : undefined;
    const where = record.backend === 'webgpu' ? 'the GPU' : 'the CPU';
    throw new PagewiseError('unsupported', `${entry.label} cannot run on ${where} in this browser: ${problems.join('; ')}.${label ? ` ${label} runs on this device instead.` : ''}`);
  }

  function hubUrl(value: string | undefined): string {
    try {
      return normalizeBaseUrl(value ?? DEFAULT_HUB);
    } catch (error) {
      throw new PagewiseError('bad-message', error instanceof Error ? error.message : String(error));
    }
  }

  return {
    'store.list-models': () => listModels(deps, (id) => jobs.has(id)),

    'store.plan-download': async ({ modelId, hubBaseUrl, stallTimeoutMs, backend, dtype }, { signal }) => {
      const entry = await entryFor(modelId);
      try {
        if (entry.format === 'safetensors') return await planModelConversion(deps, entry, await fittingTargets(entry, { backend, dtype }), hubUrl(hubBaseUrl), signal, stallTimeoutMs);
        const { plan, record } = await planDownload(deps, entry, hubUrl(hubBaseUrl), signal);
        await checkOnnxGraph(record, hubUrl(hubBaseUrl), signal, stallTimeoutMs);
        return plan;
      } catch (error) {
        throw refusal(error);
      }
    },

    'store.download': async (payload, { signal, emit }) => {
      const entry = await entryFor(payload.modelId);
      const watcher = { signal, onProgress: (progress: DownloadProgress) => emit({ type: 'progress', ...progress }), onNotice: (notice: StoreNotice) => emit(notice) };
      return jobs.run({ modelId: entry.id, label: entry.label, converting: entry.format === 'safetensors' }, watcher, async (jobSignal, report) => {
        try {
          const common = {
            entry,
            hubBaseUrl: hubUrl(payload.hubBaseUrl),
            approvedBytes: payload.consent.approvedBytes,
            ...(payload.consent.approvedStoredBytes !== undefined ? { approvedStoredBytes: payload.consent.approvedStoredBytes } : {}),
            chunkBytes: payload.chunkBytes ?? DEFAULT_CHUNK_BYTES,
            ...(payload.stallTimeoutMs ? { stallMs: payload.stallTimeoutMs } : {}),
          };
          if (entry.format === 'onnx') await checkOnnxGraph((await planDownload(deps, entry, common.hubBaseUrl, jobSignal)).record, common.hubBaseUrl, jobSignal, payload.stallTimeoutMs);
          const outcome =
            entry.format === 'safetensors'
              ? await convertInWorker({ ...common, targets: await fittingTargets(entry, { backend: payload.backend, dtype: payload.dtype }), pagewiseVersion: __PAGEWISE_VERSION__ }, jobSignal, report.progress, report.notice)
              : await downloadModel(deps, { ...common, signal: jobSignal, onProgress: report.progress, onNotice: report.notice });
          // A model stored while none was usable is what the engine loads next: the badge says it is ready.
          if (outcome.status === 'verified' && status.modelPhase === 'no-model') status.set({ phase: 'ready', modelId: entry.id, modelLabel: entry.label });
          return outcome;
        } catch (error) {
          if (jobSignal.aborted) throw new PagewiseError('cancelled', jobSignal.reason instanceof Error ? jobSignal.reason.message : 'The download was paused.');
          if (error instanceof ModelBusyError) throw new PagewiseError('busy', error.message);
          if (error instanceof PagewiseError) throw error;
          const message = error instanceof Error ? error.message : String(error);
          // Nobody may be watching (the page that started it closed): the badge keeps the failure.
          if (status.modelPhase === 'no-model') status.set({ phase: 'error', modelId: entry.id, modelLabel: entry.label, error: { code: 'internal', message: `${entry.label} could not be downloaded: ${message}` } });
          throw new PagewiseError('internal', message);
        }
      });
    },

    'store.pause-download': async ({ modelId }) => {
      const paused = jobs.stop(modelId, 'The download was paused.');
      await jobs.settled(modelId);
      return { paused };
    },

    'store.conversion-targets': async ({ folderName }) => ({ targets: (await fittingTargets(localCheckpointEntry(folderName))).map(({ backend, dtype }) => ({ backend, dtype })) }),

    'store.delete-model': async ({ modelId, forgetEntry }) => {
      // The download loop stops at its next step and lets go of the model's lock; the delete waits for that.
      jobs.stop(modelId, 'The model was deleted.');
      await host.forget(modelId);
      const freedBytes = await deleteStoredModel(deps, modelId).catch(busyIsBusy);
      if (forgetEntry) {
        const entry = (await deps.db.getCustomEntries()).find((custom) => custom.id === modelId);
        await deps.db.deleteCustomEntry(modelId);
        // A model forgotten is a fresh start: its repository's remembered listings go too (listing-pins.ts).
        if (entry?.repo && !BUILT_IN_MODELS.some((builtIn) => builtIn.repo === entry.repo)) await deps.db.deleteListingPins(entry.repo);
      }
      return { freedBytes };
    },

    'store.verify-model': async ({ modelId }, { signal, emit }) => {
      let last = 0;
      return verifyModel(deps, modelId, signal, (bytes, totalBytes) => {
        const now = performance.now();
        if (now - last < STATUS_INTERVAL_MS && bytes < totalBytes) return;
        last = now;
        emit({ type: 'progress', bytes, totalBytes });
      }).catch(busyIsBusy);
    },

    'store.add-custom-model': async (payload, { signal }) => {
      let entry: ModelEntry;
      try {
        entry = customHubEntry({ ...payload, ...(payload.baseUrl ? { baseUrl: payload.baseUrl } : {}) });
      } catch (error) {
        throw new PagewiseError('bad-message', error instanceof Error ? error.message : String(error));
      }
      // Planned before it is listed, as a download would be (nothing is stored or remembered): a repository that
      // does not exist, or holds nothing Pagewise can convert or run here, is refused now, in words, not at Download.
      const hub = hubUrl(payload.hubBaseUrl);
      try {
        if (entry.format === 'safetensors') await planModelConversion(deps, entry, await fittingTargets(entry), hub, signal);
        else await checkOnnxGraph((await planDownload(deps, entry, hub, signal)).record, hub, signal, undefined);
      } catch (error) {
        throw refusal(error);
      }
      await deps.db.putCustomEntry(entry);
      return listing(entry, await deps.db.getModel(entry.id), false);
    },
  };
}

/** Another context writes the model (model-lock.ts): say so with the code that means it. */
function busyIsBusy(error: unknown): never {
  if (error instanceof ModelBusyError) throw new PagewiseError('busy', error.message);
  throw error;
}

/** What makes a checkpoint or repository unusable, said as the reason it was refused before any download. */
function refusal(error: unknown): unknown {
  const refused = [ConfigError, CheckpointError, SafetensorsError, CheckpointListingError, ListingMismatchError].some((kind) => error instanceof kind);
  return refused ? new PagewiseError('unsupported', (error as Error).message) : error;
}
