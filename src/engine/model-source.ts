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
 * or a URL ORT fetches itself. The weight store hands a TensorByTensorFile per file (its tensors' bytes, each let
 * go of once ORT copied it); bench/store compares that with Blob URLs, which ORT fetches and holds whole.
 */
export interface ExternalDataPiece {
  path: string;
  data: Uint8Array | string;
}

export interface ModelGraphOptions {
  /**
   * Keep every external tensor's bytes until the session exists, instead of letting each go once ORT copied it
   * (TensorByTensorFile): the retry after ORT read a tensor twice.
   */
  keepEveryTensor?: boolean;
}

export interface ModelGraph {
  bytes: Uint8Array;
  externalData: ExternalDataPiece[];
}

export interface ModelSource {
  readonly id: string;
  files(): Promise<ModelFiles>;
  /** The graph exported as `onnx/model_<dtype>.onnx` and its data files. */
  graph(dtype: string, signal?: AbortSignal, options?: ModelGraphOptions): Promise<ModelGraph>;
}
