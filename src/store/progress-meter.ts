/**
 * Turns byte counts into what a person wants to see: the rate over the last few seconds (so a resumed
 * download does not report a burst, and a stalled one drops to 0), and the time left at the pace of this whole
 * session. A conversion reads in bursts (the network runs ahead while a tensor is quantized), so a few seconds'
 * rate swings by several times and the time left with it; the session's pace holds steady.
 */
const WINDOW_MS = 5_000;
/** Before this much of a session has passed, the recent rate is all there is to go on. */
const STEADY_AFTER_MS = 10_000;

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
  private readonly start: { at: number; bytes: number };

  constructor(
    private bytes: number,
    private readonly totalBytes: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = { at: now(), bytes };
    this.samples.push(this.start);
  }

  add(delta: number): void {
    this.bytes = Math.max(0, this.bytes + delta);
    const at = this.now();
    this.samples.push({ at, bytes: this.bytes });
    while (this.samples.length > 2 && at - this.samples[1]!.at > WINDOW_MS) this.samples.shift();
  }

  figures(): ProgressFigures {
    const now = this.now();
    // From the last sample at least a window old (or the oldest kept) to now: no bytes lately is a rate of 0.
    let from = this.samples[0]!;
    for (const sample of this.samples) if (sample.at <= now - WINDOW_MS) from = sample;
    const seconds = (now - from.at) / 1000;
    const rateBps = seconds > 0.2 ? Math.max(0, (this.bytes - from.bytes) / seconds) : 0;
    const elapsed = now - this.start.at;
    const paceBps = elapsed >= STEADY_AFTER_MS ? Math.max(0, (this.bytes - this.start.bytes) / (elapsed / 1000)) : rateBps;
    const left = Math.max(0, this.totalBytes - this.bytes);
    return { bytes: this.bytes, totalBytes: this.totalBytes, rateBps, etaSeconds: paceBps > 0 ? left / paceBps : left === 0 ? 0 : undefined };
  }
}
