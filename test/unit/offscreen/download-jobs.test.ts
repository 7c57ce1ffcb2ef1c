import { describe, expect, test } from 'vitest';
import { DownloadJobs, type JobWork } from '../../../src/offscreen/download-jobs';
import { EngineStatus } from '../../../src/offscreen/engine-status';
import type { DownloadOutcome, DownloadProgress } from '../../../src/store/model-download';

const verified: DownloadOutcome = { status: 'verified', totalBytes: 100, fetchedBytes: 100 } as DownloadOutcome;
const progress = (bytes: number): DownloadProgress => ({ overall: { bytes, totalBytes: 100, rateBps: 10, etaSeconds: (100 - bytes) / 10 }, file: { path: 'onnx/model.onnx_data', bytes, size: 100 } });

/** A job that reports what the test tells it to and ends when told (or when stopped). */
function controllableWork(): { work: JobWork; report(bytes: number): void; finish(): void; started: () => number } {
  let starts = 0;
  let report: (bytes: number) => void = () => undefined;
  let finish: () => void = () => undefined;
  const work: JobWork = (signal, reporter) => {
    starts++;
    report = (bytes) => reporter.progress(progress(bytes));
    return new Promise((resolve, reject) => {
      finish = () => resolve(verified);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  };
  return { work, report: (b) => report(b), finish: () => finish(), started: () => starts };
}

const watcher = (signal: AbortSignal, seen: number[] = []) => ({ signal, onProgress: (p: DownloadProgress) => seen.push(p.overall.bytes), onNotice: () => undefined });
const job = { modelId: 'm', label: 'Model M', converting: false };

describe('download jobs in the engine host', () => {
  test('the page that started a job can go away: the job goes on, the state shows it, and it ends verified', async () => {
    const status = new EngineStatus();
    const jobs = new DownloadJobs(status);
    const w = controllableWork();
    const page = new AbortController();
    const seen: number[] = [];
    const call = jobs.run(job, watcher(page.signal, seen), w.work);
    w.report(10);
    expect(seen).toEqual([10]);
    expect(status.state).toMatchObject({ phase: 'downloading', modelId: 'm', modelLabel: 'Model M', downloads: [{ modelId: 'm', bytes: 10, totalBytes: 100 }] });

    page.abort();
    await expect(call).rejects.toMatchObject({ code: 'cancelled' });
    w.report(50);
    expect(seen).toEqual([10]);
    expect(jobs.has('m')).toBe(true);

    // A page opened later joins the same job instead of starting another.
    const later = jobs.run(job, watcher(new AbortController().signal), w.work);
    expect(w.started()).toBe(1);
    w.finish();
    await expect(later).resolves.toEqual(verified);
    expect(jobs.has('m')).toBe(false);
    expect(status.state.downloads).toBeUndefined();
    expect(status.state.phase).toBe('no-model');
  });

  test('stop ends the job for every watcher with the reason, and settled waits for it to let go', async () => {
    const jobs = new DownloadJobs(new EngineStatus());
    const w = controllableWork();
    const call = jobs.run(job, watcher(new AbortController().signal), w.work);
    expect(jobs.stop('m', 'The download was paused.')).toBe(true);
    await expect(call).rejects.toThrow('The download was paused.');
    await jobs.settled('m');
    expect(jobs.has('m')).toBe(false);
    expect(jobs.stop('m', 'again')).toBe(false);
  });

  test('a loaded model keeps its phase while another model downloads; the download is listed beside it', () => {
    const status = new EngineStatus();
    status.set({ phase: 'ready', modelId: 'a', modelLabel: 'Model A' });
    status.setDownloads([{ modelId: 'b', label: 'Model B', converting: true, bytes: 5, totalBytes: 10, rateBps: 1 }]);
    expect(status.state).toMatchObject({ phase: 'ready', modelId: 'a', downloads: [{ modelId: 'b' }] });
  });
});
