// The CPU (WASM) graph variant, int8 MatMulInteger with last-position logits, driven by the engine on
// onnxruntime-node against the Float64 reference over the same int8 weights and the same per-token activation
// quantization; what is left between them is float32 against Float64 arithmetic.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { CheckpointReader } from '../../../scripts/export/checkpoint-reader';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { Engine } from '../../../src/engine/engine';
import { FolderModelSource } from '../../support/folder-model-source';
import type { OrtApi, OrtSession } from '../../../src/engine/ort-types';
import { argmax } from '../../../src/engine/sampling';
import { parseConfig } from '../../../src/model/config';
import { Lfm2Reference } from '../../support/lfm2-reference';

const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };

describe('int8 (WASM variant) export of tiny-dense', () => {
  const model = ensureTestModel('tiny-dense');

  it('returns logits for the last position only, and greedy decoding follows the reference', async () => {
    const source = new FolderModelSource(model.dir);
    let session: OrtSession | undefined;
    const engine = await Engine.load({
      ort: ort as unknown as OrtApi,
      source,
      dtype: 'int8',
      createSession: async (graph) => (session = (await ort.InferenceSession.create(graph.bytes, { externalData: graph.externalData })) as unknown as OrtSession),
    });
    expect(session?.outputMetadata.find((m) => m.name === 'logits')?.shape?.[1]).toBe(1);
    const messages = [{ role: 'user' as const, content: 'Summarize: नमस्ते, the quick brown fox.' }];
    const result = await engine.generate({ messages, sampling: greedy, maxNewTokens: 24 });
    const reference = new Lfm2Reference(parseConfig((await source.files()).config), new CheckpointReader(model.checkpoint), 'int8');
    const state = reference.newState();
    let logits = reference.forward(engine.chat.prompt(messages), state).at(-1)!;
    const gaps: number[] = [];
    for (const id of result.tokens) {
      const best = logits[argmax(logits)]!;
      gaps.push((best - logits[id]!) / Math.max(1, Math.abs(best)));
      logits = reference.forward([id], state).at(-1)!;
    }
    expect(result.tokens.length).toBeGreaterThan(8);
    // A token other than the reference's best is allowed only at a near tie: the per-token int8 codes are rounded
    // from float32 values (ORT) or float64 ones (reference), and a code that rounds the other way moves the logits
    // by a few 1e-3 of their largest (seen: 2.1e-3 at one step of 24).
    expect(Math.max(...gaps), gaps.map((g) => g.toExponential(1)).join(' ')).toBeLessThan(5e-3);
    expect(gaps.filter((g) => g === 0).length).toBeGreaterThanOrEqual(gaps.length - 1);
    await engine.dispose();
  });

  it('with a long prompt (prefilled in runs of 256 after a cache of hundreds), the MatMul attention still follows the reference', async () => {
    const source = new FolderModelSource(model.dir);
    const engine = await Engine.load({
      ort: ort as unknown as OrtApi,
      source,
      dtype: 'int8',
      createSession: async (graph) => (await ort.InferenceSession.create(graph.bytes, { externalData: graph.externalData })) as unknown as OrtSession,
    });
    const messages = [{ role: 'user' as const, content: `Summarize: ${'the tide, नमस्ते, and the sandbanks of the estuary. '.repeat(18)}` }];
    const prompt = engine.chat.prompt(messages);
    expect(prompt.length).toBeGreaterThan(600);
    const result = await engine.generate({ messages, sampling: greedy, maxNewTokens: 12 });
    const reference = new Lfm2Reference(parseConfig((await source.files()).config), new CheckpointReader(model.checkpoint), 'int8');
    const state = reference.newState();
    let logits = reference.forward(prompt, state).at(-1)!;
    const gaps: number[] = [];
    for (const id of result.tokens) {
      const best = logits[argmax(logits)]!;
      gaps.push((best - logits[id]!) / Math.max(1, Math.abs(best)));
      logits = reference.forward([id], state).at(-1)!;
    }
    expect(Math.max(...gaps), gaps.map((g) => g.toExponential(1)).join(' ')).toBeLessThan(5e-3);
    expect(gaps.filter((g) => g === 0).length).toBeGreaterThanOrEqual(gaps.length - 1);
    await engine.dispose();
  });
});
