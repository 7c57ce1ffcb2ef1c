// Released tensors give their memory back at once: the array that held a CPU tensor's values is detached.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { CacheState } from '../../../src/engine/cache-state';
import type { OrtTensor } from '../../../src/engine/ort-types';
import { releaseTensor } from '../../../src/engine/release-tensor';

const tensor = (data: Float32Array) => new ort.Tensor('float32', data, [data.length]) as unknown as OrtTensor;

describe('releaseTensor', () => {
  it('runs where ArrayBuffer.prototype.transfer exists, as in Chromium (vitest.config.ts turns it on in Node 20)', () => {
    expect('transfer' in ArrayBuffer.prototype).toBe(true);
  });

  it('detaches the buffer a CPU tensor owns', () => {
    const data = new Float32Array(1024);
    releaseTensor(tensor(data));
    expect(data.buffer.byteLength).toBe(0);
  });

  it('leaves a view into a larger buffer alone: something else may hold the rest', () => {
    const shared = new Float32Array(1024);
    releaseTensor(tensor(shared.subarray(0, 512)));
    expect(shared.buffer.byteLength).toBe(4096);
  });

  it('a cache state frees its tensors when its last holder lets go, not before', () => {
    const data = new Float32Array(256);
    const state = new CacheState(new Map([['k', tensor(data)]]), 1);
    state.retain();
    state.release();
    expect(data.buffer.byteLength).toBe(1024);
    state.release();
    expect(data.buffer.byteLength).toBe(0);
  });
});
