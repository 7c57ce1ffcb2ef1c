// The model's recurrent state after some tokens: KV caches of the attention layers and the conv states of the
// conv layers, keyed by graph input name. Tensors may live on the GPU; a state is shared between the running
// loop and the prefix cache, so it is reference-counted and frees its tensors when the last holder lets go.
import type { OrtTensor } from './ort-types';
import { releaseTensor } from './release-tensor';

export class CacheState {
  private refs = 1;

  constructor(
    readonly tensors: ReadonlyMap<string, OrtTensor>,
    /** How many tokens the state has absorbed. */
    readonly length: number,
  ) {}

  /** Bytes its tensors take (float16 2 per element, every other state type 4), wherever they live. */
  get bytes(): number {
    let total = 0;
    for (const tensor of this.tensors.values()) total += tensor.dims.reduce((a, b) => a * b, 1) * (tensor.type === 'float16' ? 2 : 4);
    return total;
  }

  get released(): boolean {
    return this.refs <= 0;
  }

  retain(): this {
    if (this.refs <= 0) throw new Error('CacheState used after release');
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs !== 0) return;
    for (const tensor of this.tensors.values()) releaseTensor(tensor);
  }
}
