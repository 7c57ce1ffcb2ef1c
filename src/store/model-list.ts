import { spaceFigures, type SpaceFigures, type StoreDeps } from './model-download';
import type { ModelCandidate } from '../protocol/model-fit';
import type { ModelSummary } from '../protocol/commands/store-commands';
import { BUILT_IN_MODELS, candidateFor, type ModelEntry } from './model-registry';
import { recordBytesStored, recordTotalBytes, type ConversionRecord, type ModelRecord } from './weight-db';

export async function knownEntries(db: StoreDeps['db']): Promise<ModelEntry[]> {
  return [...BUILT_IN_MODELS, ...(await db.getCustomEntries())];
}

/** A model as the user sees it (ModelSummary), with what the store holds of it. */
export function listing(entry: ModelEntry, record: ModelRecord | undefined, downloading: boolean): ModelSummary {
  return {
    id: entry.id,
    label: entry.label,
    source: entry.source,
    ...(entry.repo ? { repo: entry.repo } : {}),
    ...(entry.revision ? { revision: entry.revision } : {}),
    ...(record?.commit ? { commit: record.commit } : {}),
    // The stored graph, or before any download the entry's first choice (a converted model may end up another).
    dtype: record?.dtype ?? entry.targets[0]!.dtype,
    backend: record?.backend ?? entry.targets[0]!.backend,
    format: entry.format,
    custom: entry.custom,
    state: record ? record.state : 'absent',
    sizeBytes: record ? recordTotalBytes(record) : entry.approxBytes,
    storedBytes: record ? recordBytesStored(record) : 0,
    downloading,
    ...(record?.conversion ? { provenance: provenanceOf(record.conversion) } : {}),
  };
}

/**
 * Every model the user can see (built-in, custom, imported) with what the store holds of each. Read straight
 * from IndexedDB, so the options page can show it without starting the engine host.
 */
export async function listModels(
  deps: Pick<StoreDeps, 'db' | 'estimate'>,
  isDownloading: (id: string) => boolean,
): Promise<{ models: ModelSummary[] } & SpaceFigures> {
  const records = new Map((await deps.db.listModels()).map((record) => [record.entry.id, record]));
  const known = await knownEntries(deps.db);
  // Imported folders have no entry of their own: their record carries it.
  const extra = [...records.values()].map((record) => record.entry).filter((entry) => !known.some((k) => k.id === entry.id));
  const models = [...known, ...extra].map((entry) => listing(entry, records.get(entry.id), isDownloading(entry.id)));
  // A record that cannot be read as a model is listed on its own (with its key's id), so it can be deleted.
  for (const id of await deps.db.listBrokenModels()) {
    const builtIn = models.find((model) => model.id === id);
    if (builtIn) builtIn.state = 'broken';
    else models.push({ id, label: id, source: 'local', dtype: '', backend: 'wasm', format: 'onnx', custom: true, state: 'broken', sizeBytes: 0, storedBytes: 0, downloading: false });
  }
  return { models, ...(await spaceFigures(deps.estimate)) };
}

/**
 * The verified models the engine may load when work arrives and none is loaded, best first: the user's active
 * model, then built-in models in the registry's order, then anything else stored (custom and imported models,
 * sized by their files). The engine's fit rules pick the first this device runs.
 */
export async function loadableModels(db: StoreDeps['db'], activeId: string | undefined): Promise<ModelCandidate[]> {
  const rank = (id: string): number => {
    if (id === activeId) return -1;
    const builtIn = BUILT_IN_MODELS.findIndex((model) => model.id === id);
    return builtIn >= 0 ? builtIn : BUILT_IN_MODELS.length;
  };
  return (await db.listModels())
    .filter((record) => record.state === 'verified')
    .map((record) => {
      // A built-in model is judged by what the registry says of it now, not by the copy stored with its files.
      const entry = BUILT_IN_MODELS.find((model) => model.id === record.entry.id) ?? record.entry;
      const target = entry.targets.find((t) => t.backend === record.backend && t.dtype === record.dtype) ?? { backend: record.backend, dtype: record.dtype as never };
      return candidateFor(entry, target, recordTotalBytes(record));
    })
    .filter((candidate): candidate is ModelCandidate => candidate !== undefined)
    .sort((a, b) => rank(a.modelId) - rank(b.modelId));
}

function provenanceOf(conversion: ConversionRecord): NonNullable<ModelSummary['provenance']> {
  return {
    sources: conversion.sources.map((source) => ({ path: source.path, algorithm: source.digest.algorithm, hex: source.digest.hex, verified: source.verified })),
    convertedBy: `Pagewise ${conversion.pagewiseVersion}`,
    startedAt: conversion.startedAt,
    ...(conversion.finishedAt ? { finishedAt: conversion.finishedAt } : {}),
    exportTarget: conversion.settings.exportTarget,
    ...(conversion.folder !== undefined ? { folder: conversion.folder } : {}),
  };
}
