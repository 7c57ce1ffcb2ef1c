import type { StoreNotice } from '../file-download';
import type { DownloadOutcome, DownloadProgress } from '../model-download';
import { ModelBusyError } from '../model-lock';
import type { ConversionJob } from './convert-model';
import type { ConversionWorkerEvent, ConversionWorkerRequest } from './conversion-worker';

/**
 * Runs a checkpoint conversion in a worker of its own and relays its progress. Cancelling asks the worker to
 * stop (it stops within a tensor, and what it stored stays for a resume); the worker ends with the call.
 */
export function convertInWorker(request: ConversionJob, signal: AbortSignal, onProgress: (progress: DownloadProgress) => void, onNotice: (notice: StoreNotice) => void): Promise<DownloadOutcome> {
  const worker = new Worker(new URL('./conversion-worker.ts', import.meta.url), { type: 'module' });
  const send = (message: ConversionWorkerRequest) => worker.postMessage(message);
  const cancel = () => send({ type: 'cancel' });
  return new Promise<DownloadOutcome>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', cancel, { once: true });
    worker.onmessage = (event: MessageEvent<ConversionWorkerEvent>) => {
      const message = event.data;
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'notice') onNotice(message.notice);
      else if (message.type === 'done') resolve(message.outcome);
      else reject(rebuilt(message.error));
    };
    worker.onerror = (event) => reject(new Error(event.message || 'The conversion worker failed.'));
    send({ type: 'start', request });
  }).finally(() => {
    signal.removeEventListener('abort', cancel);
    worker.terminate();
  });
}

/** The worker's error as the kind the store handlers tell apart. */
function rebuilt(error: { name: string; message: string }): Error {
  if (error.name === 'ModelBusyError') return new ModelBusyError(error.message);
  if (error.name === 'AbortError') return new DOMException(error.message, 'AbortError');
  return Object.assign(new Error(error.message), { name: error.name });
}
