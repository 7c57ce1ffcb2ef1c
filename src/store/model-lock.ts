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
 * Runs `work` holding `modelId`'s lock. Without `waitMs` (downloads, imports, verifying) a model already being
 * written fails at once with ModelBusyError; with it (deleting, after cancelling the download) the work starts
 * when the current writer lets go, or fails with ModelBusyError when that takes longer than `waitMs` (a writer
 * this context cannot cancel, such as another page's import).
 */
export async function withModelLock<T>(locks: LockManager, modelId: string, options: { waitMs?: number; busyMessage?: string }, work: () => Promise<T>): Promise<T> {
  const busy = () => new ModelBusyError(options.busyMessage ?? 'This model is being downloaded or changed right now.');
  if (options.waitMs !== undefined) {
    try {
      return (await locks.request(lockName(modelId), { signal: AbortSignal.timeout(options.waitMs) }, work)) as T;
    } catch (error) {
      if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw busy();
      throw error;
    }
  }
  return (await locks.request(lockName(modelId), { ifAvailable: true }, (lock) => {
    if (!lock) throw busy();
    return work();
  })) as T;
}
