import type { ExternalDataPiece, ModelSource } from '../engine/model-source';
import { externalTensors, type ExternalTensor } from '../model/onnx/external-tensors';
import { pieceRanges, TensorByTensorFile } from '../engine/tensor-by-tensor-file';
import { openModel } from '../store/open-model';
import type { WeightDb } from '../store/weight-db';

/**
 * A verified model in the weight store as the engine reads it. Each external data file is handed to ORT as its
 * tensors' bytes, each piece copied out of the stored chunks and let go of as ORT copies it
 * (TensorByTensorFile), so the weights are never in memory twice in full (bench/store measures the peak and
 * the time to a ready session).
 * `onRead` reports the share of the graph's bytes read so far, for the "Loading the model" progress.
 */
export function storeModelSource(modelId: string, db: WeightDb, onRead?: (fraction: number) => void): ModelSource {
  return {
    id: modelId,
    files: async () => {
      const model = await openModel(modelId, db);
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
      const model = await openModel(modelId, db);
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
        // Each piece in a buffer of its own, so TensorByTensorFile can free it as soon as ORT has copied it.
        const pieces = pieceRanges(inFile, file.size).map((range) => ({ ...range, bytes: new Uint8Array(range.end - range.start) }));
        await file.fill(
          pieces,
          (bytes) => {
            read += bytes;
            onRead?.(total > 0 ? Math.min(1, read / total) : 1);
          },
          signal,
        );
        externalData.push({ path: file.name, data: new TensorByTensorFile(file.size, pieces, options.keepEveryTensor ?? false) });
      }
      const missing = tensors.find((t) => !model.externalData.some((file) => fileOf(t) === file.name));
      if (missing) throw new Error(`${model.entry.label} has no data file ${missing.location} for ${missing.name}.`);
      return { bytes, externalData };
    },
  };
}
