// A stand-in decoder for loop tests: its "cache" is the token history itself, and the next token is any
// function of that history, so a test can tell whether state was carried correctly across steps and requests.
import { CacheState } from '../../../src/engine/cache-state';
import type { StepResult } from '../../../src/engine/decoder-session';
import type { StepModel } from '../../../src/engine/generation';
import type { OrtTensor } from '../../../src/engine/ort-types';

export class HistoryTensor implements OrtTensor {
  readonly type = 'int32';
  readonly location = 'cpu';
  disposed = false;
  constructor(readonly history: readonly number[]) {}
  get dims() {
    return [this.history.length];
  }
  get data() {
    return this.history;
  }
  async getData() {
    return Int32Array.from(this.history);
  }
  dispose() {
    this.disposed = true;
  }
}

export class FakeModel implements StepModel {
  processed = 0;
  steps = 0;
  live = new Set<HistoryTensor>();

  constructor(
    private readonly next: (history: readonly number[]) => number,
    private readonly vocab = 512,
    private readonly stepDelayMs = 0,
  ) {}

  emptyState(): CacheState {
    return this.state([]);
  }

  async step(tokens: readonly number[], state: CacheState): Promise<StepResult> {
    const past = state.tensors.get('h') as HistoryTensor;
    if (past.disposed) throw new Error('step on a released state');
    if (this.stepDelayMs) await new Promise((r) => setTimeout(r, this.stepDelayMs));
    this.processed += tokens.length;
    this.steps++;
    const history = [...past.history, ...tokens];
    const logits = new Float32Array(this.vocab).fill(-5);
    logits[this.next(history)] = 5;
    return { logits, state: this.state(history) };
  }

  /** Tensors not yet freed: after a request only the prefix cache should hold any. */
  get undisposed(): number {
    return [...this.live].filter((t) => !t.disposed).length;
  }

  private state(history: number[]): CacheState {
    const tensor = new HistoryTensor(history);
    this.live.add(tensor);
    return new CacheState(new Map([['h', tensor]]), history.length);
  }
}
