// Where a model's files come from. The engine depends only on this interface, never on the weight store or
// on chrome.*, so it runs in the offscreen document, in Node tests and in benchmarks alike.

export interface ModelFiles {
  config: Record<string, unknown>;
  /** generation_config.json, or {} when the model ships none. */
  generationConfig: Record<string, unknown>;
  tokenizer: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

/**
 * One external-data file, named as the graph references it (`model_q4.onnx_data`, `…_data_1`): its bytes,
 * or a URL ORT fetches itself (a Blob URL from the weight store keeps peak memory lower).
 */
export interface ExternalDataPiece {
  path: string;
  data: Uint8Array | string;
}

export interface ModelGraph {
  bytes: Uint8Array;
  externalData: ExternalDataPiece[];
}

export interface ModelSource {
  readonly id: string;
  files(): Promise<ModelFiles>;
  /** The graph exported as `onnx/model_<dtype>.onnx` and its data files. */
  graph(dtype: string, signal?: AbortSignal): Promise<ModelGraph>;
}
