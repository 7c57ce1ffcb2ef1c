// External data handed to onnxruntime-web tensor by tensor (TensorByTensorFile): the parts on their own, then
// real onnxruntime-web (WASM, in Node) sessions from the tiny-dense int8 graph, whose outputs must equal a
// session made from the plain file bytes. These sessions rely on ORT-web's external data contract (a mounted
// Uint8Array read with byteLength and subarray): if a new ORT reads the files another way, this test fails.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web/wasm';
import { describe, expect, it } from 'vitest';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { Engine } from '../../../src/engine/engine';
import { FolderModelSource } from '../../support/folder-model-source';
import type { ModelGraph, ModelGraphOptions, ModelSource } from '../../../src/engine/model-source';
import type { OrtApi, OrtSession } from '../../../src/engine/ort-types';
import { createSessionFromSource, pieceRanges, TensorByTensorFile } from '../../../src/engine/tensor-by-tensor-file';
import { encodeGraph, GraphBuilder } from '../../../src/model/onnx/graph-builder';
import { externalTensors, type ExternalTensor } from '../../../src/model/onnx/external-tensors';
import { ProtobufFormatError } from '../../../src/model/onnx/protobuf-reader';

ort.env.wasm.numThreads = 1;
const MiB = 1024 * 1024;

const tensor = (name: string, offset: number, length: number, readMoreThanOnce = false): ExternalTensor => ({ name, location: 'd', offset, length, readMoreThanOnce });

function fileOf(size: number, tensors: ExternalTensor[], keep = false): { file: TensorByTensorFile; bytes: Uint8Array } {
  const bytes = Uint8Array.from({ length: size }, (_, i) => i % 251);
  const pieces = pieceRanges(tensors, size).map((r) => ({ ...r, bytes: bytes.slice(r.start, r.end) }));
  return { file: new TensorByTensorFile(size, pieces, keep), bytes };
}

describe('pieceRanges', () => {
  it('gives large tensors a piece each and groups small neighbours up to 4 MiB, in file order', () => {
    const ranges = pieceRanges([tensor('big', 8 * MiB, 6 * MiB), tensor('a', 0, MiB), tensor('b', MiB, MiB), tensor('c', 2 * MiB + 64, 3 * MiB), tensor('tail', 14 * MiB, -1)], 15 * MiB);
    expect(ranges.map((r) => [r.start, r.end, r.tensors.map((t) => t.name).join('+')])).toEqual([
      [0, 2 * MiB, 'a+b'],
      [2 * MiB + 64, 5 * MiB + 64, 'c'],
      [8 * MiB, 14 * MiB, 'big'],
      [14 * MiB, 15 * MiB, 'tail'],
    ]);
  });

  it('refuses a tensor past the end of its file', () => {
    expect(() => pieceRanges([tensor('x', 10, 100)], 50)).toThrow(/past the end/);
  });
});

describe('TensorByTensorFile', () => {
  it('answers byteLength and subarray with the file bytes, without copying', () => {
    const { file, bytes } = fileOf(10 * MiB, [tensor('a', 0, 100), tensor('b', 100, 5 * MiB), tensor('c', 6 * MiB, 16)]);
    expect(file).toBeInstanceOf(Uint8Array);
    expect(file.byteLength).toBe(10 * MiB);
    expect(Array.from(file.subarray(100 + 7, 100 + 20))).toEqual(Array.from(bytes.subarray(107, 120)));
    expect(Array.from(file.subarray(6 * MiB, 6 * MiB + 16))).toEqual(Array.from(bytes.subarray(6 * MiB, 6 * MiB + 16)));
    expect(() => file.subarray(5 * MiB + 200, 5 * MiB + 300)).toThrow(RangeError);
  });

  it('lets a piece go at the next read once all its tensors were read, and fails a read after that', () => {
    const { file } = fileOf(10 * MiB, [tensor('a', 0, 5 * MiB), tensor('b', 5 * MiB, 5 * MiB)]);
    const first = file.subarray(0, 5 * MiB);
    expect(first.byteLength).toBe(5 * MiB);
    file.subarray(5 * MiB, 10 * MiB);
    expect(first.byteLength).toBe(0); // detached: its memory is gone now, not at the next garbage collection
    expect(file.readAfterRelease).toBe(false);
    expect(() => file.subarray(0, 5 * MiB)).toThrow(/already let go/);
    expect(file.readAfterRelease).toBe(true);
  });

  it('keeps a region two tensors name until both were read', () => {
    const { file } = fileOf(10 * MiB, [tensor('embed', 0, 5 * MiB), tensor('head', 0, 5 * MiB), tensor('b', 5 * MiB, 5 * MiB)]);
    file.subarray(0, 5 * MiB);
    file.subarray(5 * MiB, 10 * MiB);
    expect(file.subarray(0, 5 * MiB).byteLength).toBe(5 * MiB);
    expect(() => file.subarray(0, 5 * MiB)).toThrow(/already let go/);
  });

  it('keeps pieces with a tensor read more than once, and everything when asked', () => {
    const twice = fileOf(10 * MiB, [tensor('a', 0, 5 * MiB, true), tensor('b', 5 * MiB, 5 * MiB)]).file;
    twice.subarray(0, 5 * MiB);
    twice.subarray(5 * MiB, 10 * MiB);
    expect(twice.subarray(0, 5 * MiB).byteLength).toBe(5 * MiB);
    const kept = fileOf(10 * MiB, [tensor('a', 0, 5 * MiB), tensor('b', 5 * MiB, 5 * MiB)], true).file;
    kept.subarray(0, 5 * MiB);
    kept.subarray(5 * MiB, 10 * MiB);
    expect(kept.subarray(0, 5 * MiB).byteLength).toBe(5 * MiB);
    kept.releaseAll();
    expect(() => kept.subarray(0, 5 * MiB)).toThrow(RangeError);
  });
});

describe('externalTensors', () => {
  const model = ensureTestModel('tiny-dense');
  const graph = (dtype: string) => readFileSync(join(model.dir, `onnx/model_${dtype}.onnx`));

  it('lists every external tensor of an exported graph, inside its file, none overlapping but those naming the same bytes', () => {
    for (const dtype of ['int8', 'q4']) {
      const tensors = externalTensors(graph(dtype));
      expect(tensors.length).toBeGreaterThan(20);
      const byFile = new Map<string, ExternalTensor[]>();
      for (const t of tensors) byFile.set(t.location, [...(byFile.get(t.location) ?? []), t]);
      expect(byFile.size).toBeGreaterThan(1);
      for (const [location, inFile] of byFile) {
        const size = statSync(join(model.dir, 'onnx', location)).size;
        const sorted = inFile.sort((a, b) => a.offset - b.offset);
        sorted.forEach((t, i) => {
          expect(t.length).toBeGreaterThan(0);
          expect(t.offset + t.length).toBeLessThanOrEqual(size);
          const before = sorted[i - 1];
          // The q4 graph's tied embedding and LM head are two initializers over the same bytes.
          if (before && !(before.offset === t.offset && before.length === t.length)) expect(t.offset).toBeGreaterThanOrEqual(before.offset + before.length);
        });
      }
    }
  });

  it('flags a tensor that a folded node and another node both read, and nothing in the exported graphs', () => {
    expect(externalTensors(readTwiceGraph().bytes).map((t) => [t.name, t.readMoreThanOnce])).toEqual([['w', true]]);
    // The q4 graph's tied embedding and LM head name the same bytes: two tensors, each read once.
    for (const dtype of ['int8', 'q4']) expect(externalTensors(graph(dtype)).filter((t) => t.readMoreThanOnce)).toEqual([]);
  });

  it('refuses a truncated model file', () => {
    const bytes = graph('int8');
    expect(() => externalTensors(bytes.subarray(0, bytes.length - 3))).toThrow(ProtobufFormatError);
  });
});

describe('onnxruntime-web sessions from tensor-by-tensor external data', () => {
  const model = ensureTestModel('tiny-dense');
  const folder = new FolderModelSource(model.dir);
  const bytes = readFileSync(join(model.dir, 'onnx/model_int8.onnx'));
  const files = [...new Set(externalTensors(bytes).map((t) => t.location))];
  const read = (name: string) => new Uint8Array(readFileSync(join(model.dir, 'onnx', name)));
  const createSession = async (graph: ModelGraph) => (await ort.InferenceSession.create(graph.bytes, { externalData: graph.externalData })) as unknown as OrtSession;
  const greedy = async (source: ModelSource) => {
    const engine = await Engine.load({ ort: ort as unknown as OrtApi, source, dtype: 'int8', createSession });
    const result = await engine.generate({ messages: [{ role: 'user', content: 'Summarize: the quick brown fox.' }], sampling: { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 }, maxNewTokens: 12 });
    await engine.dispose();
    return result.tokens;
  };

  /** The graph as the weight store hands it (each tensor its own piece: the tiny model's tensors all fit in one 4 MiB piece otherwise). */
  const piecewise = () => {
    const created: TensorByTensorFile[] = [];
    const options: ModelGraphOptions[] = [];
    const source: ModelSource = {
      id: 'tiny-dense',
      files: () => folder.files(),
      graph: async (_dtype, _signal, graphOptions = {}) => {
        options.push(graphOptions);
        const tensors = externalTensors(bytes);
        return {
          bytes,
          externalData: files.map((path) => {
            const all = read(path);
            const pieces = pieceRanges(tensors.filter((t) => t.location === path), all.byteLength, 0).map((r) => ({ ...r, bytes: all.slice(r.start, r.end) }));
            const file = new TensorByTensorFile(all.byteLength, pieces, graphOptions.keepEveryTensor ?? false);
            created.push(file);
            return { path, data: file };
          }),
        };
      },
    };
    return { source, created, options };
  };

  it('generates the same tokens as from the plain file bytes, on the first try', async () => {
    const expected = await greedy(folder);
    const { source, created, options } = piecewise();
    expect(await greedy(source)).toEqual(expected);
    expect(options).toEqual([{}]);
    expect(created.some((f) => f.readAfterRelease)).toBe(false);
  });

  it('creates the session again, keeping everything, when ORT reads a tensor after its piece went', async () => {
    const { bytes, data, outputs } = readTwiceGraph();
    const run = async (trustFlags: boolean) => {
      const options: ModelGraphOptions[] = [];
      const created: TensorByTensorFile[] = [];
      const session = await createSessionFromSource(
        async (graphOptions) => {
          options.push(graphOptions);
          // Dropping the flag stands for a wrong guess: ORT reads W while folding the Transpose, then again for the Add.
          const tensors = externalTensors(bytes).map((t) => (trustFlags ? t : { ...t, readMoreThanOnce: false }));
          const pieces = pieceRanges(tensors, data.byteLength, 0).map((r) => ({ ...r, bytes: data.slice(r.start, r.end) }));
          const file = new TensorByTensorFile(data.byteLength, pieces, graphOptions.keepEveryTensor ?? false);
          created.push(file);
          return { bytes, externalData: [{ path: 'w.bin', data: file }] };
        },
        (graph) => ort.InferenceSession.create(graph.bytes, { externalData: graph.externalData, graphOptimizationLevel: 'all' }),
      );
      const result = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 10), [1, 2]) });
      await session.release();
      return { options, readAfterRelease: created.map((f) => f.readAfterRelease), values: [...outputs].map((name) => Array.from(result[name]!.data as Float32Array)) };
    };
    const expected = [[21, 43], [2, 12, 4, 14]]; // x · Wᵀ and x + W, W = [[1, 2], [3, 4]]
    expect(await run(true)).toEqual({ options: [{}], readAfterRelease: [false], values: expected });
    expect(await run(false)).toEqual({ options: [{}, { keepEveryTensor: true }], readAfterRelease: [true, false], values: expected });
  });
});

/**
 * y = x · Wᵀ and z = x + W with W external: ORT reads W while constant folding the Transpose and again when it
 * stores W for the Add, the pattern ExternalTensor.readMoreThanOnce guesses from the graph.
 */
function readTwiceGraph(): { bytes: Uint8Array; data: Uint8Array; outputs: readonly string[] } {
  const g = new GraphBuilder('read-twice');
  const x = g.input('x', 'float32', [1, 2]);
  const data = new Uint8Array(Float32Array.of(1, 2, 3, 4).buffer);
  const w = g.initializer({ name: 'w', elementType: 'float32', dims: [2, 2], external: { location: 'w.bin', offset: 0, length: data.byteLength } });
  const y = g.op1('MatMul', [x, g.op1('Transpose', [w], { perm: [1, 0] })]);
  const z = g.op1('Add', [x, w]);
  g.output(y, 'float32', [1, 2]);
  g.output(z, 'float32', [2, 2]);
  return { bytes: encodeGraph(g.build()), data, outputs: [y, z] };
}
