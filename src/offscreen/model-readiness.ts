import type { Capabilities } from '../engine/capability-probe';
import { chooseCachedModel } from '../engine/cached-model-choice';
import type { ModelCandidate } from '../engine/model-choice';
import { activeModelId } from '../store/active-model';
import { recordTotalBytes, WeightDb } from '../store/weight-db';

/**
 * The cached model to load when work arrives and none is loaded: the user's active model if it is still
 * verified and fits, else the best verified one for this device. Undefined when nothing cached fits.
 */
export async function cachedModelToLoad(caps: Capabilities, db = new WeightDb()): Promise<ModelCandidate | undefined> {
  const verified = (await db.listModels()).filter((record) => record.state === 'verified');
  const cached = verified.map(({ entry, ...record }) => ({
    id: entry.id,
    ...(entry.repo ? { repo: entry.repo } : {}),
    dtype: entry.dtype,
    backend: entry.backend,
    sizeBytes: recordTotalBytes({ entry, ...record }),
  }));
  const choice = chooseCachedModel(caps, cached, await activeModelId());
  return choice.ok ? choice.candidate : undefined;
}
