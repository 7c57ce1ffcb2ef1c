// A ModelSource over HTTP in the hub layout (used by browser tests, which serve a test model on 127.0.0.1).
// External data files are found by asking for `_data`, `_data_1`, … until one is missing.
import type { ExternalDataPiece, ModelFiles, ModelGraph, ModelSource } from './model-source';

export class UrlModelSource implements ModelSource {
  constructor(
    readonly id: string,
    private readonly baseUrl: string,
  ) {}

  async files(): Promise<ModelFiles> {
    const [config, generationConfig, tokenizer, tokenizerConfig] = await Promise.all([
      this.json('config.json'),
      this.json('generation_config.json', {}),
      this.json('tokenizer.json'),
      this.json('tokenizer_config.json'),
    ]);
    return { config, generationConfig, tokenizer, tokenizerConfig };
  }

  async graph(dtype: string, signal?: AbortSignal): Promise<ModelGraph> {
    const name = `model_${dtype}.onnx`;
    const bytes = await this.bytes(`onnx/${name}`, signal);
    if (!bytes) throw new Error(`${this.id} has no ${name}`);
    const externalData: ExternalDataPiece[] = [];
    for (let i = 0; ; i++) {
      const path = `${name}_data${i === 0 ? '' : `_${i}`}`;
      const data = await this.bytes(`onnx/${path}`, signal);
      if (!data) break;
      externalData.push({ path, data });
    }
    return { bytes, externalData };
  }

  private async json(path: string, fallback?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await fetch(new URL(path, this.baseUrl));
    if (!response.ok) {
      if (fallback && response.status === 404) return fallback;
      throw new Error(`${this.id}: ${path} answered ${response.status}`);
    }
    return (await response.json()) as Record<string, unknown>;
  }

  private async bytes(path: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const response = await fetch(new URL(path, this.baseUrl), signal ? { signal } : {});
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`${this.id}: ${path} answered ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}
