import type { ExternalDataPiece, ModelSource } from '../engine/model-source';
import { externalTensors, type ExternalTensor } from '../model/onnx/external-tensors';
import { pieceRanges, TensorByTensorFile } from '../engine/tensor-by-tensor-file';
import { openModel } from '../store/open-model';

/**
 * Pieces read at once. Each piece is read straight from its slice of the file's Blob (the stored chunks side by
 * side), so its bytes are written once, into a buffer of its own. Reading whole 64 MiB chunks and copying the
 * pieces out of them took 1.25–1.35 s for the 1.2B's int8 data against 0.81–0.93 s this way, 3 in flight
 * (1 in flight: 1.15 s; 6: no better; .cache/exp-style micro-benchmark in an extension page, 3 rounds).
 */
const READS_IN_FLIGHT = 3;

/**
 * A verified model in the weight store as the engine reads it. Each external data file is handed to ORT as its
 * tensors' bytes, read from the stored Blob one piece at a time and let go of as ORT copies them
 * (TensorByTensorFile), so the weights are never in memory twice in full: bench/store measures the peak
 * and the time to a ready session against Blob URLs, which ORT reads whole.
 * `onRead` reports the share of the graph's bytes read so far, for the "Loading the model" progress.
 */
export function storeModelSource(modelId: string, onRead?: (fraction: number) => void): ModelSource {
  return {
    id: modelId,
    files: async () => {
      const model = await openModel(modelId);
      const json = async (path: string, fallback?: Record<string, unknown>) => {
        const found = model.files.find((f) => f.path === path);
        if (!found) {
          if (fallback) return fallback;
          throw new Error(`${model.entry.label} has no ${path}.`);
        }
        return JSON.parse(new TextDecoder().decode(await found.bytes())) as Record<string, unknown>;
      };
      return {
        config: await json('config.json'),
        generationConfig: await json('generation_config.json', {}),
        tokenizer: await json('tokenizer.json'),
        tokenizerConfig: await json('tokenizer_config.json'),
      };
    },
    graph: async (_dtype, signal, options = {}) => {
      // The dtype is the stored entry's: the store downloaded exactly that graph and its data files.
      const model = await openModel(modelId);
      const total = model.graph.size + model.externalData.reduce((sum, piece) => sum + piece.size, 0);
      let read = 0;
      const bytes = await model.graph.bytes();
      read += model.graph.size;
      onRead?.(total > 0 ? read / total : 1);
      // ORT resolves a location as a path relative to the graph, "./" or not.
      const fileOf = (tensor: ExternalTensor) => tensor.location.replace(/^\.\//, '');
      const tensors = externalTensors(bytes);
      const externalData: ExternalDataPiece[] = [];
      for (const file of model.externalData) {
        const inFile = tensors.filter((t) => fileOf(t) === file.name);
        if (inFile.length === 0) continue;
        const whole = await file.blob();
        if (whole.size !== file.size) throw new Error(`${model.entry.label}: ${file.path} holds ${whole.size} bytes, not ${file.size}.`);
        const ranges = pieceRanges(inFile, file.size);
        const pieces = await mapConcurrently(ranges, READS_IN_FLIGHT, async (range) => {
          const bytes = new Uint8Array(await whole.slice(range.start, range.end).arrayBuffer());
          signal?.throwIfAborted();
          read += bytes.byteLength;
          onRead?.(total > 0 ? Math.min(1, read / total) : 1);
          return { ...range, bytes };
        });
        externalData.push({ path: file.name, data: new TensorByTensorFile(file.size, pieces, options.keepEveryTensor ?? false) });
      }
      const missing = tensors.find((t) => !model.externalData.some((file) => fileOf(t) === file.name));
      if (missing) throw new Error(`${model.entry.label} has no data file ${missing.location} for ${missing.name}.`);
      return { bytes, externalData };
    },
  };
}

/** `work` over `items` with at most `limit` running at once; results in the items' order. The first failure stops the rest. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await work(items[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
