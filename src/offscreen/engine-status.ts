import type { EngineState } from '../protocol';

type Status = Omit<EngineState, 'inFlight' | 'phase'> & { phase: Exclude<EngineState['phase'], 'busy' | 'stopped'> };

/**
 * The host's one source of truth for what the UI shows. Capabilities set the model phase (no model,
 * downloading, loading, ready, error); the host adds `busy` while work is in flight.
 */
export class EngineStatus {
  private status: Status = { phase: 'no-model' };
  private inFlight = 0;
  private readonly listeners = new Set<(state: EngineState) => void>();

  get state(): EngineState {
    const busy = this.inFlight > 0 && (this.status.phase === 'ready' || this.status.phase === 'no-model');
    return { ...this.status, phase: busy ? 'busy' : this.status.phase, inFlight: this.inFlight };
  }

  set(status: Status): void {
    this.status = status;
    this.emit();
  }

  setInFlight(count: number): void {
    this.inFlight = count;
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
