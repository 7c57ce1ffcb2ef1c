// Letting go of a tensor's memory now, not at the next garbage collection. onnxruntime-web copies every output of a
// WASM run into a new JavaScript array (the caches, tens of MiB each at a long context, and a prefill run's logits),
// and dispose() only drops its reference: during decoding the old caches piled up faster than V8 collected them
// (a 2,300-token request on the 1.2B peaked 900 MiB above what it held a few seconds later). Detaching the array's
// buffer frees it at once.
import type { OrtTensor } from './ort-types';

type DetachableBuffer = ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };

/** Disposes `tensor`; a CPU tensor that owns its whole buffer has the buffer freed now. */
export function releaseTensor(tensor: OrtTensor): void {
  if (tensor.location === 'cpu') freeBuffer(tensor.data);
  tensor.dispose();
}

function freeBuffer(data: unknown): void {
  if (!ArrayBuffer.isView(data)) return;
  const buffer = data.buffer as DetachableBuffer;
  // A view into a larger buffer shares it with something else; a buffer that cannot be detached (an engine's
  // external memory) is left to the collector.
  if (!(buffer instanceof ArrayBuffer) || data.byteOffset !== 0 || data.byteLength !== buffer.byteLength) return;
  try {
    buffer.transfer?.(0);
  } catch {
    // Not detachable: the garbage collector frees it as before.
  }
}
