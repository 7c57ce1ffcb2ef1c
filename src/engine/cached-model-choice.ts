// Which downloaded model to load when the user asks for work and none is loaded. The store says what is
// cached; this applies the same hardware rules as model-choice.ts to those models only, so a model the
// device cannot run is never picked just because it is on disk.
import type { Capabilities } from './capability-probe';
import { CANDIDATES, chooseModel, type Backend, type ModelCandidate, type ModelChoice } from './model-choice';

/** A verified model in the store, as the engine needs to know it (the store's own types stay in store/). */
export interface CachedModel {
  /** The store's id, which `engine.load` takes. */
  id: string;
  repo?: string;
  dtype: string;
  backend: Backend;
  /** Bytes on disk: the weight size when the model is not one model-choice knows. */
  sizeBytes: number;
}

const ENGINE_DTYPES = new Set<string>(['q4f16', 'q4', 'int8']);

/**
 * Best first: the user's active model when it still fits, then the known candidates in model-choice's order,
 * then anything else cached (custom or imported models, sized by their files).
 */
export function chooseCachedModel(caps: Capabilities, cached: readonly CachedModel[], activeId?: string): ModelChoice {
  const known = (model: CachedModel): ModelCandidate | undefined =>
    CANDIDATES.find((c) => c.modelId === model.repo && c.dtype === model.dtype && c.backend === model.backend);
  const asCandidate = (model: CachedModel): ModelCandidate => {
    const candidate = known(model);
    // Unknown shapes: the files' size stands for the weights; the buffer limit cannot be checked before loading.
    return candidate
      ? { ...candidate, modelId: model.id }
      : { modelId: model.id, backend: model.backend, dtype: model.dtype as ModelCandidate['dtype'], weightBytes: model.sizeBytes, largestBufferBytes: 0 };
  };
  const rank = (model: CachedModel): number => {
    if (model.id === activeId) return -1;
    const candidate = known(model);
    return candidate ? CANDIDATES.indexOf(candidate) : CANDIDATES.length;
  };
  const usable = cached.filter((model) => ENGINE_DTYPES.has(model.dtype)).sort((a, b) => rank(a) - rank(b));
  return chooseModel(caps, usable.map(asCandidate));
}
