/**
 * One writer per model, across every extension context. The engine host downloads, verifies and deletes; the
 * options page imports folders itself (a picked `File` cannot cross a port, and opening settings must not start
 * the engine). Both write the same IndexedDB records, so each write to a model runs holding that model's Web
 * Lock: no two contexts, and no two requests in one context, can touch one model at once.
 */
export class ModelBusyError extends Error {
  override name = 'ModelBusyError';
}

const lockName = (modelId: string): string => `pagewise-model:${modelId}`;

/**
 * Runs `work` holding `modelId`'s lock. With `wait: false` (downloads, imports, verifying) a model already being
 * written fails at once with ModelBusyError; with `wait: true` (deleting, after cancelling the download) the work
 * starts when the current writer lets go.
 */
export function withModelLock<T>(locks: LockManager, modelId: string, options: { wait: boolean; busyMessage?: string }, work: () => Promise<T>): Promise<T> {
  if (options.wait) return locks.request(lockName(modelId), work) as Promise<T>;
  return locks.request(lockName(modelId), { ifAvailable: true }, (lock) => {
    if (!lock) throw new ModelBusyError(options.busyMessage ?? 'This model is being downloaded or changed right now.');
    return work();
  }) as Promise<T>;
}

/** Ids of the models some context is writing right now (the model list shows them as busy). */
export async function modelsBeingWritten(locks: LockManager): Promise<Set<string>> {
  const { held = [] } = await locks.query();
  const prefix = lockName('');
  return new Set(held.map((lock) => lock.name ?? '').filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length)));
}
