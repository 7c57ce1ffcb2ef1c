// The engine on onnxruntime-node, against the Float64 reference forward pass of the same checkpoint.
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
const NEW_TOKENS = 24;

async function load(dir: string) {
  return Engine.load({
    ort: ort as unknown as OrtApi,
    source: new FolderModelSource(dir),
    dtype: 'q4',
    createSession: async (graph) =>
      (await ort.InferenceSession.create(graph.bytes, { externalData: graph.externalData })) as unknown as OrtSession,
  });
}

for (const preset of ['tiny-dense', 'tiny-moe'] as const) {
  describe(`engine on ${preset} (onnxruntime-node)`, () => {
    const model = ensureTestModel(preset);

    it('greedy output equals the reference forward pass token for token', async () => {
      const engine = await load(model.dir);
      const messages = [{ role: 'user' as const, content: 'Summarize: नमस्ते, the quick brown fox.' }];
      const result = await engine.generate({ messages, sampling: greedy, maxNewTokens: NEW_TOKENS });
      const prompt = engine.chat.prompt(messages);
      const reference = new Lfm2Reference(parseConfig((await new FolderModelSource(model.dir).files()).config), new CheckpointReader(model.checkpoint), 'q4');
      const state = reference.newState();
      let logits = reference.forward(prompt, state).at(-1)!;
      const expected: number[] = [];
      while (expected.length < NEW_TOKENS) {
        const id = argmax(logits);
        if (engine.chat.stopTokenIds.has(id)) break;
        expected.push(id);
        logits = reference.forward([id], state).at(-1)!;
      }
      expect(result.tokens).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
      await engine.dispose();
    });

    it('a follow-up reuses the prefix and answers exactly as a cold engine does', async () => {
      const warm = await load(model.dir);
      const page = { role: 'system' as const, content: 'Page: '.concat('Thai สวัสดี and Hindi नमस्ते text. '.repeat(30)) };
      const first = [page, { role: 'user' as const, content: 'What language?' }];
      const a1 = await warm.generate({ messages: first, sampling: greedy, maxNewTokens: 8 });
      const follow = [...first, { role: 'assistant' as const, content: a1.answer }, { role: 'user' as const, content: 'And the second?' }];
      const warmResult = await warm.generate({ messages: follow, sampling: greedy, maxNewTokens: 8 });
      const cold = await load(model.dir);
      const coldResult = await cold.generate({ messages: follow, sampling: greedy, maxNewTokens: 8 });
      expect(warmResult.tokens).toEqual(coldResult.tokens);
      expect(warmResult.reusedTokens).toBeGreaterThan(warmResult.promptTokens * 0.8);
      expect(coldResult.reusedTokens).toBe(0);
      await warm.dispose();
      await cold.dispose();
    });
  });
}
