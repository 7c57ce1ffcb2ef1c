// transformers.js (Node, onnxruntime-node) loads the tiny models from their folder, applies the shipped chat
// template, and greedy generation yields exactly the reference's tokens.
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ensureTestModel } from '../../../scripts/export/test-models';
import { compareWithReference } from './lfm2-vs-reference';
import { sessionRunner } from './ort-decoder';

env.allowRemoteModels = false;
env.allowLocalModels = true;

const NEW_TOKENS = 24;

for (const preset of ['tiny-dense', 'tiny-moe'] as const) {
  describe(`transformers.js runs ${preset}`, () => {
    const model = ensureTestModel(preset);

    it('chat template + greedy generate equals the reference token for token', async () => {
      const tokenizer = await AutoTokenizer.from_pretrained(model.dir);
      const prompt = tokenizer.apply_chat_template(
        [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Translate: नमस्ते दुनिया' }],
        { add_generation_prompt: true, tokenize: false },
      ) as string;
      expect(prompt.startsWith('<|startoftext|><|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n')).toBe(true);
      expect(prompt.endsWith('<|im_start|>assistant\n')).toBe(true);
      const ids = Array.from((tokenizer(prompt, { add_special_tokens: false }).input_ids.data as BigInt64Array), Number);
      expect(tokenizer.decode(ids)).toBe(prompt);

      const lm = await AutoModelForCausalLM.from_pretrained(model.dir, { dtype: 'q4', device: 'cpu' });
      const input = tokenizer(prompt, { add_special_tokens: false });
      const output = (await lm.generate({ ...input, max_new_tokens: NEW_TOKENS, do_sample: false, min_new_tokens: NEW_TOKENS })) as { data: BigInt64Array; dims: number[] };
      const generated = Array.from(output.data, Number).slice(ids.length);
      console.log(`${preset} transformers.js greedy: ${generated.join(' ')}`);

      const session = await ort.InferenceSession.create(`${model.dir}/onnx/model_q4.onnx`);
      const reference = await compareWithReference(sessionRunner(ort, session), model, 'q4', [ids], NEW_TOKENS - 1);
      expect(generated.slice(0, NEW_TOKENS - 1)).toEqual(reference.tokens[0]);
    });
  });
}
