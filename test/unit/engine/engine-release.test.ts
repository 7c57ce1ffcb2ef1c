// The engine frees each released cache state's arrays at once (release-tensor.ts). What must not happen: an array
// still held (by the prefix cache, by the state a run is reading) freed under it. The engine on onnxruntime-web's
// WASM backend, whose outputs the release detaches, answers a follow-up from its cache exactly as a fresh engine
// answers it from scratch.
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ensureTestModel } from '../../../scripts/export/test-models';
import type { ChatMessage } from '../../../src/engine/chat-format';
import { loadFolderEngine } from '../../support/tiny-engine';

ortWeb.env.wasm.numThreads = 1;
const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };

describe('released caches on onnxruntime-web', () => {
  const model = ensureTestModel('tiny-dense');
  const load = () => loadFolderEngine(ortWeb, model.dir, { wasm: true });

  it('a follow-up read from the prefix cache gets the same tokens and logits as one computed from scratch', async () => {
    const page: ChatMessage[] = [
      { role: 'system', content: 'The harbour pilots measured the tide at dawn and noted how far the sandbanks had moved. '.repeat(12) },
      { role: 'user', content: 'What did the pilots measure?' },
    ];
    const cached = await load();
    const first = await cached.generate({ messages: page, sampling: greedy, maxNewTokens: 12 });
    const followUp: ChatMessage[] = [...page, { role: 'assistant', content: first.answer }, { role: 'user', content: 'And when?' }];
    const reusing = await cached.generate({ messages: followUp, sampling: greedy, maxNewTokens: 12, topLogits: 4 });
    expect(reusing.reusedTokens).toBeGreaterThan(100);
    // The state the cache handed out was released after its first run; the cache's own copy must still read right.
    const again = await cached.generate({ messages: followUp, sampling: greedy, maxNewTokens: 12, topLogits: 4 });
    const fresh = await load();
    const scratch = await fresh.generate({ messages: followUp, sampling: greedy, maxNewTokens: 12, topLogits: 4 });
    expect(scratch.reusedTokens).toBe(0);
    for (const answer of [reusing, again]) {
      expect(answer.tokens).toEqual(scratch.tokens);
      for (const [step, logits] of answer.topLogits!.entries()) {
        for (const [i, [id, value]] of logits.entries()) {
          expect(id).toBe(scratch.topLogits![step]![i]![0]);
          expect(value).toBeCloseTo(scratch.topLogits![step]![i]![1], 4);
        }
      }
    }
    await cached.dispose();
    await fresh.dispose();
  });
});
