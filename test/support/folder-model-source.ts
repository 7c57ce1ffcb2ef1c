// A ModelSource over a local folder in the hub layout: what Node tests, benchmarks and the exporter's
// output use. Never imported by the extension bundle (it needs node:fs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelFiles, ModelGraph, ModelSource } from '../../src/engine/model-source';

export class FolderModelSource implements ModelSource {
  constructor(
    private readonly dir: string,
    readonly id = dir,
  ) {}

  async files(): Promise<ModelFiles> {
    const json = (name: string) => JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as Record<string, unknown>;
    return {
      config: json('config.json'),
      generationConfig: existsSync(join(this.dir, 'generation_config.json')) ? json('generation_config.json') : {},
      tokenizer: json('tokenizer.json'),
      tokenizerConfig: json('tokenizer_config.json'),
    };
  }

  async graph(dtype: string): Promise<ModelGraph> {
    const name = `model_${dtype}.onnx`;
    const onnx = join(this.dir, 'onnx');
    const pieces = readdirSync(onnx)
      .filter((file) => file === `${name}_data` || file.startsWith(`${name}_data_`))
      .sort((a, b) => a.length - b.length || a.localeCompare(b));
    return {
      bytes: readFileSync(join(onnx, name)),
      externalData: pieces.map((path) => ({ path, data: readFileSync(join(onnx, path)) })),
    };
  }
}
