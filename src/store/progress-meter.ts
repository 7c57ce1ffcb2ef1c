/**
 * Turns byte counts into what a person wants to see: the rate over the last few seconds (so a resumed
 * download does not report a burst) and the time left at that rate.
 */
const WINDOW_MS = 5_000;

export interface ProgressFigures {
  bytes: number;
  totalBytes: number;
  /** Bytes per second over the last few seconds; 0 until there is a measurement. */
  rateBps: number;
  /** Seconds left at the current rate; undefined while the rate is unknown. */
  etaSeconds: number | undefined;
}

export class ProgressMeter {
  private readonly samples: Array<{ at: number; bytes: number }> = [];

  constructor(
    private bytes: number,
    private readonly totalBytes: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.samples.push({ at: now(), bytes });
  }

  add(delta: number): void {
    this.bytes = Math.max(0, this.bytes + delta);
    const at = this.now();
    this.samples.push({ at, bytes: this.bytes });
    while (this.samples.length > 2 && at - this.samples[1]!.at > WINDOW_MS) this.samples.shift();
  }

  figures(): ProgressFigures {
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const seconds = (last.at - first.at) / 1000;
    const rateBps = seconds > 0.2 ? Math.max(0, (last.bytes - first.bytes) / seconds) : 0;
    const left = Math.max(0, this.totalBytes - this.bytes);
    return { bytes: this.bytes, totalBytes: this.totalBytes, rateBps, etaSeconds: rateBps > 0 ? left / rateBps : left === 0 ? 0 : undefined };
  }
}
