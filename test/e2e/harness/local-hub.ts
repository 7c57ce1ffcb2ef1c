import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeGraph, GraphBuilder } from '../../../src/model/onnx/graph-builder';

export { startLocalHub, type HubFaults, type LocalHub, type ServedRequest } from '../../../scripts/local-hub';

/**
 * Writes a model folder in the hub layout, a graph y = Σ x·Wᵢ with the weights spread over several external data
 * files (`model_q4.onnx_data`, `_data_1`, …) like a large export: what the store's download, resume and quota
 * tests move around and check byte for byte. (Tests that run a model use the exporter's tiny LFM2 models.)
 */
export interface FixtureModel {
  dir: string;
  dtype: string;
  totalBytes: number;
}

function seeded(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 31 - 1) / 8;
  }
  return out;
}

export async function writeFixtureModel(
  dir: string,
  { width = 512, dataFiles = 3, weightsPerFile = 2, seed = 1 }: { width?: number; dataFiles?: number; weightsPerFile?: number; seed?: number } = {},
): Promise<FixtureModel> {
  const dtype = 'q4';
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const g = new GraphBuilder('pagewise_store_fixture');
  const x = g.input('x', 'float32', [1, width]);
  let total: string | undefined;
  let totalBytes = 0;
  for (let file = 0; file < dataFiles; file++) {
    const name = file === 0 ? `model_${dtype}.onnx_data` : `model_${dtype}.onnx_data_${file}`;
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (let k = 0; k < weightsPerFile; k++) {
      const weights = seeded(width * width, seed + file * 100 + k);
      const bytes = new Uint8Array(weights.buffer);
      const w = g.initializer({ name: `w_${file}_${k}`, elementType: 'float32', dims: [width, width], external: { location: name, offset, length: bytes.length } });
      offset += bytes.length;
      parts.push(bytes);
      const product = g.op1('MatMul', [x, w]);
      total = total ? g.op1('Add', [total, product]) : product;
    }
    await writeFile(join(dir, 'onnx', name), Buffer.concat(parts));
    totalBytes += offset;
  }
  g.op1('Identity', [total!], {}, { outputs: ['y'] });
  g.output('y', 'float32', [1, width]);
  const graph = encodeGraph(g.build());
  await writeFile(join(dir, 'onnx', `model_${dtype}.onnx`), graph);
  const texts: Record<string, string> = {
    'config.json': JSON.stringify({ model_type: 'pagewise_fixture', hidden_size: width }),
    'generation_config.json': JSON.stringify({ do_sample: false }),
    'tokenizer.json': JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab: {} } }),
    'tokenizer_config.json': JSON.stringify({ chat_template: '{{ messages }}' }),
  };
  for (const [path, text] of Object.entries(texts)) {
    await writeFile(join(dir, path), text);
    totalBytes += Buffer.byteLength(text);
  }
  totalBytes += graph.length;
  return { dir, dtype, totalBytes };
}
