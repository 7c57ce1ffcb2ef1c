// The slice of onnxruntime's API the engine uses, typed structurally so the same engine code drives
// onnxruntime-web in the extension and onnxruntime-node in tests and benchmarks.

export type TensorData = Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array;

export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  /** 'cpu' tensors hold their data; 'gpu-buffer' tensors stay on the GPU until read. */
  readonly location: string;
  /** The values of a 'cpu' tensor (ORT throws for any other location). */
  readonly data: unknown;
  getData(releaseData?: boolean): Promise<unknown>;
  dispose(): void;
}

export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly OrtValueMetadata[];
  readonly outputMetadata: readonly OrtValueMetadata[];
  run(feeds: Record<string, OrtTensor>, fetches?: readonly string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtApi {
  Tensor: new (type: string, data: TensorData, dims: readonly number[]) => OrtTensor;
  /** onnxruntime-web sets env.webgpu.device (a GPUDevice) once a WebGPU session exists; absent elsewhere. */
  env?: { webgpu?: { device?: { adapterInfo?: { subgroupMinSize?: number } } } };
}
