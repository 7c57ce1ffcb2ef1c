// Progress of a job made of model calls, weighted by what each call costs rather than counted in calls, and the
// time left: the device's measured speed says how long each call should take; once calls have finished, the
// pace they actually went at corrects what is left (another tab busy, a device warmer than when it measured).

export interface JobProgress {
  /** Planned work done, 0 to 1. */
  fraction: number;
  /** Seconds left; absent while the device has no measured speed for this model. */
  secondsLeft?: number;
}

/** After one call the estimate is corrected by at most this factor either way (one odd call should not swing it
 * wildly); after two, by the pace they went at, whatever it is. */
const FIRST_CALL_CORRECTION = 4;

export class JobPace {
  private readonly startedAt: number;

  /** `estimatesMs`: each call's estimated milliseconds, in the order they run (undefined where not measured). */
  constructor(
    private readonly estimatesMs: ReadonlyArray<number | undefined>,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
  }

  /** Where the job stands when call `index` (0-based) starts, all calls before it done. */
  at(index: number): JobProgress {
    const calls = this.estimatesMs.length;
    if (calls === 0) return { fraction: 1 };
    if (this.estimatesMs.some((ms) => ms === undefined)) return { fraction: Math.min(1, index / calls) };
    const estimates = this.estimatesMs as number[];
    const total = estimates.reduce((a, b) => a + b, 0);
    const done = estimates.slice(0, index).reduce((a, b) => a + b, 0);
    const left = total - done;
    const elapsed = this.now() - this.startedAt;
    const pace = done > 0 ? elapsed / done : 1;
    const correction = index === 1 ? Math.min(FIRST_CALL_CORRECTION, Math.max(1 / FIRST_CALL_CORRECTION, pace)) : pace;
    const secondsLeft = (left * correction) / 1000;
    return { fraction: total > 0 ? done / total : index / calls, ...(Number.isFinite(secondsLeft) ? { secondsLeft } : {}) };
  }
}
