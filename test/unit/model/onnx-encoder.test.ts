import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr, encodeGraph, GraphBuilder } from '../../../src/model/onnx/graph-builder';
import { buildSelfTestModel } from '../../../src/model/onnx/self-test-model';

function f32bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

describe('ONNX encoder', () => {
  it('builds MatMul + Add with a symbolic batch dim that ORT computes correctly', async () => {
    const g = new GraphBuilder('matmul_add');
    const x = g.input('x', 'float32', ['batch', 2]);
    const w = g.constant('w', 'float32', [2, 2], new Float32Array([1, 2, 3, 4]));
    const b = g.constant('b', 'float32', [2], new Float32Array([0.5, -0.5]));
    g.op1('Add', [g.op1('MatMul', [x, w]), b], {}, { outputs: ['y'] });
    g.output('y', 'float32', ['batch', 2]);

    const session = await ort.InferenceSession.create(encodeGraph(g.build()));
    expect(session.inputNames).toEqual(['x']);
    const result = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 1, 2, -1]), [2, 2]) });
    // [1,1]·W = [4,6]; [2,-1]·W = [-1,0]; plus bias.
    expect(Array.from(result.y!.data as Float32Array)).toEqual([4.5, 5.5, -0.5, -0.5]);
  });

  it('encodes negative int attributes, float attributes and com.microsoft ops', async () => {
    const g = new GraphBuilder('norm');
    const x = g.input('x', 'float32', [1, 'seq', 4]);
    const skip = g.input('skip', 'float32', [1, 'seq', 4]);
    const gamma = g.constant('gamma', 'float32', [4], new Float32Array([1, 2, 1, 2]));
    const [normed] = g.op('SkipSimplifiedLayerNormalization', [x, skip, gamma], { epsilon: attr.float(1e-6) }, { domain: 'com.microsoft', outputs: ['normed'] });
    g.op1('Softmax', [normed as string], { axis: -1 }, { outputs: ['probs'] });
    g.output('probs', 'float32', [1, 'seq', 4]);

    const session = await ort.InferenceSession.create(encodeGraph(g.build()));
    const xs = [1, -2, 3, 0.5];
    const out = await session.run({
      x: new ort.Tensor('float32', new Float32Array(xs), [1, 1, 4]),
      skip: new ort.Tensor('float32', new Float32Array([0, 0, 0, 0]), [1, 1, 4]),
    });
    const rms = Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / 4 + 1e-6);
    const normedRef = xs.map((v, i) => (v / rms) * [1, 2, 1, 2][i]!);
    const denom = normedRef.reduce((s, v) => s + Math.exp(v), 0);
    const probs = Array.from(out.probs!.data as Float32Array);
    normedRef.forEach((v, i) => expect(probs[i]).toBeCloseTo(Math.exp(v) / denom, 5));
  });

  it('reads initializers from external data files at the recorded offsets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-external-'));
    // Two tensors in one file, the second at a non-zero offset.
    const data = new Uint8Array(32);
    data.set(f32bytes([1, 0, 0, 1]), 0);
    data.set(f32bytes([10, 20, 30, 40]), 16);
    writeFileSync(join(dir, 'model.onnx_data'), data);

    const g = new GraphBuilder('external');
    const x = g.input('x', 'float32', [1, 4]);
    const eye = g.initializer({ name: 'eye', elementType: 'float32', dims: [2, 2], external: { location: 'model.onnx_data', offset: 0, length: 16 } });
    const shift = g.initializer({ name: 'shift', elementType: 'float32', dims: [1, 4], external: { location: 'model.onnx_data', offset: 16, length: 16 } });
    const reshaped = g.op1('Reshape', [x, g.constInt64('shape', [2, 2])]);
    const flat = g.op1('Reshape', [g.op1('MatMul', [reshaped, eye]), g.constInt64('shape', [1, 4])]);
    g.op1('Add', [flat, shift], {}, { outputs: ['y'] });
    g.output('y', 'float32', [1, 4]);
    writeFileSync(join(dir, 'model.onnx'), encodeGraph(g.build()));

    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([11, 22, 33, 44]);
  });

  it('rejects an initializer whose byte count disagrees with its dims', () => {
    const g = new GraphBuilder('bad');
    expect(() => g.constant('w', 'float32', [3], new Float32Array(2))).toThrow(/8 bytes for dims \[3\]/);
  });

  it('self-test model: ORT output matches the expected values computed in JS', async () => {
    const model = buildSelfTestModel();
    const session = await ort.InferenceSession.create(model.bytes);
    const out = await session.run({ [model.input.name]: new ort.Tensor('float32', model.input.data, model.input.dims) });
    const y = out[model.outputName]!.data as Float32Array;
    expect(y.length).toBe(model.expected.length);
    model.expected.forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
  });
});
