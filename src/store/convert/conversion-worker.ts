/// <reference lib="webworker" />
import type { StoreNotice } from '../file-download';
import type { DownloadOutcome, DownloadProgress } from '../model-download';
import { workerHasher } from '../worker-hasher';
import { WeightDb } from '../weight-db';
import { convertModel, type ConversionJob } from './convert-model';

/**
 * Runs a conversion off the engine host's main thread: decoding and quantizing a checkpoint keeps a core busy
 * for minutes, and the host must stay free to answer, cancel and generate meanwhile. Hashing runs in workers of
 * its own (workerHasher), so reading, converting, hashing and storing overlap on two cores. Nothing here outlives
 * the worker but what the store holds: a worker terminated mid-conversion resumes as a killed document does.
 * The engine host starts one for a hub checkpoint, the options page for a checkpoint in a folder it was handed.
 */
export type ConversionWorkerRequest =
  | { type: 'start'; request: ConversionJob }
  | { type: 'cancel' };

export type ConversionWorkerEvent =
  | { type: 'progress'; progress: DownloadProgress }
  | { type: 'notice'; notice: StoreNotice }
  | { type: 'done'; outcome: DownloadOutcome }
  | { type: 'failed'; error: { name: string; message: string } };

const controller = new AbortController();
const post = (event: ConversionWorkerEvent): void => self.postMessage(event);
/** Progress is read per piece of the network body; the model manager needs a few updates a second, not thousands. */
const PROGRESS_EVERY_MS = 200;
let lastProgress = 0;

self.onmessage = (event: MessageEvent<ConversionWorkerRequest>) => {
  const message = event.data;
  if (message.type === 'cancel') {
    controller.abort(new DOMException('The conversion was paused.', 'AbortError'));
    return;
  }
  const deps = { db: new WeightDb(), fetchFn: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), estimate: () => navigator.storage.estimate(), createHasher: workerHasher, locks: navigator.locks };
  convertModel(deps, {
    ...message.request,
    signal: controller.signal,
    onProgress: (progress) => {
      const now = performance.now();
      if (now - lastProgress < PROGRESS_EVERY_MS && progress.overall.bytes < progress.overall.totalBytes) return;
      lastProgress = now;
      post({ type: 'progress', progress });
    },
    onNotice: (notice) => post({ type: 'notice', notice }),
  }).then(
    (outcome) => post({ type: 'done', outcome }),
    (error: unknown) => post({ type: 'failed', error: { name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) } }),
  );
};
