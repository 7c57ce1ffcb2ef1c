import { PagewiseError } from '../protocol';

/** Resolves with `work`, or rejects as cancelled when this caller gives up first (the work goes on). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new PagewiseError('cancelled', 'The request was cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new PagewiseError('cancelled', 'The request was cancelled.'));
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
