// How precisely a graph defines its own logits: the reference runtime on the same graph after one float tensor
// moved by one unit in the last place. For a graph that quantizes its activations at run time (the int8 CPU
// graph: per-token codes, src/model/export/row-quantized-matmul.ts) this is far from zero. A last-bit
// difference anywhere before a quantization flips a code wherever a value lies within that bit of a rounding
// boundary; a flipped code changes the next product by a whole step, which flips more codes downstream, and
// after a few layers two runs differ by about the size of a quantization step. Two runtimes whose kernels
// differ in the last bit (FMA or not, summation order, exp approximations) part the same way. A graph with
// float activations (q4 MatMulNBits at accuracy 0, fp32) has no such boundaries: its floor stays near 1e-6.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { externalTensors } from '../../src/model/onnx/external-tensors';

/** The first `count` float32 tensors of the graph whose names end with `suffix`, in graph order. */
export async function tensorsEnding(graphPath: string, suffix: string, count: number): Promise<string[]> {
  const tensors = externalTensors(new Uint8Array(await readFile(graphPath)));
  return tensors.filter((t) => t.name.endsWith(suffix)).slice(0, count).map((t) => t.name);
}

/**
 * Runs `run` while every other float32 of `tensorName` (an external initializer of the graph at `graphPath`) is
 * one unit in the last place larger, then puts the bytes back. A relative change of about 6e-8 at each of
 * those values: the size of a difference between two runtimes' kernels.
 */
export async function withLastBitNudged<T>(graphPath: string, tensorName: string, run: () => Promise<T>): Promise<T> {
  const tensor = externalTensors(new Uint8Array(await readFile(graphPath))).find((t) => t.name === tensorName);
  if (!tensor || tensor.length <= 0 || tensor.length % 4 !== 0) throw new Error(`${tensorName} is not an external float32 tensor of ${graphPath}`);
  const file = join(dirname(graphPath), tensor.location);
  const original = await readFile(file);
  const nudged = Buffer.from(original);
  const view = new DataView(nudged.buffer, nudged.byteOffset + tensor.offset, tensor.length);
  for (let i = 0; i < tensor.length; i += 8) view.setUint32(i, view.getUint32(i, true) + 1, true);
  await writeFile(file, nudged);
  try {
    return await run();
  } finally {
    await writeFile(file, original);
  }
}
