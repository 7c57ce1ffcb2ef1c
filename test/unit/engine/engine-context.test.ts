// The engine never runs past the model's trained context: a long answer stops there with 'length', and a
// prompt that does not fit is refused with a clear error (ORT would fail on RoPE positions beyond the table).
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { ContextLengthError } from '../../../src/engine/engine';
import { loadFolderEngine } from '../../support/tiny-engine';

describe('engine at the end of the context (tiny-dense, onnxruntime-node)', () => {
  const model = ensureTestModel('tiny-dense');
  const load = () => loadFolderEngine(ort, model.dir);

  it('stops a long answer at the last position the model knows', async () => {
    const engine = await load();
    const messages = [{ role: 'user' as const, content: 'x '.repeat(900) }];
    const prompt = engine.chat.prompt(messages).length;
    // Sampled with a fixed seed (deterministic): this random tiny model writes no stop token before the
    // context ends (tiny presets have 2048 positions).
    const result = await engine.generate({ messages, sampling: { temperature: 1, topK: 0, topP: 1, seed: 5 }, maxNewTokens: 4000 });
    expect(result.finishReason).toBe('length');
    expect(prompt + result.tokens.length).toBe(engine.contextTokens);
    await engine.dispose();
  });

  it('refuses a prompt longer than the context', async () => {
    const engine = await load();
    const messages = [{ role: 'user' as const, content: 'y'.repeat(engine.contextTokens + 10) }];
    await expect(engine.generate({ messages, maxNewTokens: 4 })).rejects.toThrow(ContextLengthError);
    await engine.dispose();
  });
});
