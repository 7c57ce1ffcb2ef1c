// The weights of an exported graph as jobs: each job reads some checkpoint tensors and writes some of the
// graph's initializers. Building the graph declares the jobs (names, shapes, byte sizes) without reading any
// weight, so the whole layout of the output files is known before the first checkpoint byte arrives; then the
// checkpoint is read once, in the order its files store it, and each job runs as soon as its last tensor is
// in. That order is what lets the browser convert a checkpoint while it streams from the hub, and the Node
// exporter read each tensor once.
import type { ElementType, ExternalLocation } from '../onnx/onnx-proto';
import { BYTES_PER_ELEMENT } from '../onnx/onnx-proto';

/** A checkpoint tensor a job reads, with the shape the config implies. */
export interface TensorRequest {
  name: string;
  shape: readonly number[];
}

/** An initializer a job writes; `external` is the placement the layout fills in (the graph holds the same object). */
export interface JobOutput {
  name: string;
  elementType: ElementType;
  dims: readonly number[];
  byteLength: number;
  external: ExternalLocation;
}

/** Takes one input (each exactly once, any order); after the last it returns the outputs' bytes, in order. */
export type JobStep = (name: string, values: Float32Array) => Uint8Array[] | undefined;

export interface WeightJob {
  /** Position in graph order, for a stable order among jobs that finish on the same checkpoint tensor. */
  readonly index: number;
  readonly inputs: readonly TensorRequest[];
  readonly outputs: readonly JobOutput[];
  /** A fresh run of the job. Jobs with no inputs (computed tables) produce their bytes from `finish`. */
  start(): { take: JobStep; finish?: () => Uint8Array[] };
}

export function outputSpec(name: string, elementType: ElementType, dims: readonly number[]): JobOutput {
  const byteLength = dims.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[elementType];
  return { name, elementType, dims, byteLength, external: { location: '', offset: 0, length: byteLength } };
}

/**
 * A job over several inputs that keeps only what it has made of the inputs so far (quantized pieces), never
 * the inputs themselves: `take` folds one input into the state, `finish` turns the state into the outputs.
 */
export function accumulatingStep<S>(inputs: readonly TensorRequest[], init: () => S, take: (state: S, name: string, values: Float32Array) => void, finish: (state: S) => Uint8Array[]): () => { take: JobStep } {
  return () => {
    const state = init();
    const pending = new Set(inputs.map((input) => input.name));
    return {
      take: (name, values) => {
        if (!pending.delete(name)) throw new Error(`a job got ${name}, which it does not read or already read`);
        take(state, name, values);
        return pending.size === 0 ? finish(state) : undefined;
      },
    };
  };
}
