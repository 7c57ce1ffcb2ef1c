import type { DownloadJob } from '../protocol';
import type { StoreNotice } from '../store/file-download';
import type { DownloadOutcome, DownloadProgress } from '../store/model-download';
import type { EngineStatus } from './engine-status';
import { untilAborted } from './until-aborted';

/** How often the engine state (every page's badge) hears a running job's figures. */
const STATE_INTERVAL_MS = 250;

/** Whoever asked for a job and is still watching it: the page that started it, or one that joined later. */
export interface JobWatcher {
  signal: AbortSignal;
  onProgress(progress: DownloadProgress): void;
  onNotice(notice: StoreNotice): void;
}

/** The work of one job: a download or a conversion, stopped through `signal`. */
export type JobWork = (signal: AbortSignal, report: { progress(progress: DownloadProgress): void; notice(notice: StoreNotice): void }) => Promise<DownloadOutcome>;

interface Job {
  controller: AbortController;
  done: Promise<DownloadOutcome>;
  watchers: Set<JobWatcher>;
  figures: DownloadJob;
  lastState: number;
}

/**
 * Downloads and conversions belong to the engine host, not to the page that asked for one. A page watches a job
 * while it is open; closing it (or the settings tab) leaves the job running, and the engine state carries every
 * job's figures so that each page shows them. A job stops only when a person pauses it (`pause`), deletes the
 * model, or the host goes away; the worker keeps the host open while the state lists a job.
 */
export class DownloadJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly status: EngineStatus) {}

  has(modelId: string): boolean {
    return this.jobs.has(modelId);
  }

  /**
   * Starts the model's job, or joins the one already running (a page opened again attaches to it). The watcher's
   * signal detaches that watcher only: its call ends as cancelled and the job goes on.
   */
  async run(figures: Omit<DownloadJob, 'bytes' | 'totalBytes' | 'rateBps'>, watcher: JobWatcher, work: JobWork): Promise<DownloadOutcome> {
    const job = this.jobs.get(figures.modelId) ?? this.start(figures, work);
    job.watchers.add(watcher);
    try {
      return await untilAborted(job.done, watcher.signal);
    } finally {
      job.watchers.delete(watcher);
    }
  }

  /** Stops a running job where it is; what it stored stays for a resume. False when none runs. */
  stop(modelId: string, reason: string): boolean {
    const job = this.jobs.get(modelId);
    job?.controller.abort(new DOMException(reason, 'AbortError'));
    return job !== undefined;
  }

  /** Settles when the model's job (if any) has let go of the model, after `stop`. */
  async settled(modelId: string): Promise<void> {
    await this.jobs.get(modelId)?.done.catch(() => undefined);
  }

  private start(figures: Omit<DownloadJob, 'bytes' | 'totalBytes' | 'rateBps'>, work: JobWork): Job {
    const controller = new AbortController();
    const job: Job = { controller, done: Promise.resolve() as never, watchers: new Set(), figures: { ...figures, bytes: 0, totalBytes: 0, rateBps: 0 }, lastState: -Infinity };
    this.jobs.set(figures.modelId, job);
    this.publish();
    const report = {
      progress: (progress: DownloadProgress) => {
        const { overall, file } = progress;
        // Built from the job's fixed fields each time: a time left that became unknown must not keep its old value.
        job.figures = { ...figures, bytes: overall.bytes, totalBytes: overall.totalBytes, rateBps: overall.rateBps, ...(overall.etaSeconds !== undefined ? { etaSeconds: overall.etaSeconds } : {}), file };
        for (const watcher of job.watchers) watcher.onProgress(progress);
        const now = performance.now();
        if (now - job.lastState < STATE_INTERVAL_MS) return;
        job.lastState = now;
        this.publish();
      },
      notice: (notice: StoreNotice) => {
        for (const watcher of job.watchers) watcher.onNotice(notice);
      },
    };
    job.done = work(controller.signal, report).finally(() => {
      this.jobs.delete(figures.modelId);
      this.publish();
    });
    // Nobody may be watching when it fails; the failure is in the engine state then (see the store handlers).
    job.done.catch(() => undefined);
    return job;
  }

  private publish(): void {
    this.status.setDownloads([...this.jobs.values()].map((job) => job.figures));
  }
}
