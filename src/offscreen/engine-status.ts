import { jobFraction, type DownloadJob, type EngineState } from '../protocol';

type Status = Omit<EngineState, 'inFlight' | 'phase' | 'downloads'> & { phase: Exclude<EngineState['phase'], 'busy' | 'stopped' | 'downloading'> };

/**
 * The host's one source of truth for what the UI shows. Capabilities set the model phase (no model, loading,
 * ready, error); the download jobs add theirs (`downloading` while there is no model yet, and their figures
 * always); the host adds `busy` while work is in flight.
 */
export class EngineStatus {
  private status: Status = { phase: 'no-model' };
  private inFlight = 0;
  private downloads: DownloadJob[] = [];
  private readonly listeners = new Set<(state: EngineState) => void>();

  get state(): EngineState {
    const first = this.downloads[0];
    const jobs = this.downloads.length > 0 ? { downloads: this.downloads } : {};
    if (this.status.phase === 'no-model' && first) {
      return { phase: 'downloading', modelId: first.modelId, modelLabel: first.label, progress: jobFraction(first), ...jobs, inFlight: this.inFlight };
    }
    const busy = this.inFlight > 0 && (this.status.phase === 'ready' || this.status.phase === 'no-model');
    return { ...this.status, phase: busy ? 'busy' : this.status.phase, ...jobs, inFlight: this.inFlight };
  }

  /** The model's own phase (what is loaded, or why nothing is). */
  get modelPhase(): Status['phase'] {
    return this.status.phase;
  }

  set(status: Status): void {
    this.status = status;
    this.emit();
  }

  setInFlight(count: number): void {
    this.inFlight = count;
    this.emit();
  }

  setDownloads(downloads: DownloadJob[]): void {
    this.downloads = downloads;
    this.emit();
  }

  onChange(listener: (state: EngineState) => void): void {
    this.listeners.add(listener);
  }

  private emit(): void {
    const state = this.state;
    for (const listener of this.listeners) listener(state);
  }
}
