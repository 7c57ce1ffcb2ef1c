import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTokenizerFiles } from '../../../scripts/export/tokenizer-files';
import { ChatFormat } from '../../../src/engine/chat-format';
import { FolderModelSource } from '../../support/folder-model-source';
import { generate, type GenerationEvent, type GenerationInput } from '../../../src/engine/generation';
import { PrefixCache } from '../../../src/engine/prefix-cache';
import { FakeModel } from './fake-model';

let chat: ChatFormat;
const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pagewise-tok-'));
  writeTokenizerFiles(dir, 512);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ eos_token_id: 7 }));
  chat = new ChatFormat(await new FolderModelSource(dir).files());
});

/** A model that says `script` and then ends its turn, whatever the prompt. */
function scripted(script: string, after: (history: readonly number[]) => number = () => 7) {
  const ids = chat.encode(script);
  let promptLength = -1;
  return (history: readonly number[]) => {
    if (promptLength < 0) promptLength = history.length;
    return ids[history.length - promptLength] ?? after(history);
  };
}

function input(prompt: number[], extra: Partial<GenerationInput> = {}): GenerationInput {
  return { prompt, boundaries: [], sampling: greedy, limits: { maxNewTokens: 200 }, ...extra };
}

describe('generate', () => {
  it('streams thinking, answer and tool calls apart, in order, and stops at the end-of-turn token', async () => {
    const model = new FakeModel(scripted("<think>check the form</think>Filling it.<|tool_call_start|>[fill(id='a')]<|tool_call_end|>"));
    const events: GenerationEvent[] = [];
    const prompt = chat.prompt([{ role: 'user', content: 'fill the form' }]);
    const result = await generate(model, chat, new PrefixCache(), input(prompt, { onEvent: (e) => events.push(e) }));
    expect(result).toMatchObject({ thinking: 'check the form', answer: 'Filling it.', toolCallText: "[fill(id='a')]", finishReason: 'stop', thinkingUnclosed: false });
    const streamed = events.filter((e) => e.type === 'text').map((e) => e.text).join('');
    expect(streamed).toBe("check the formFilling it.[fill(id='a')]");
    expect(events[0]).toEqual({ type: 'prefill', promptTokens: prompt.length, reusedTokens: 0 });
  });

  it('stops at the token budget and keeps an unclosed think block out of the answer', async () => {
    const model = new FakeModel(scripted('<think>' + 'hmm '.repeat(100)));
    const result = await generate(model, chat, new PrefixCache(), input(chat.encode('q'), { limits: { maxNewTokens: 20 } }));
    expect(result).toMatchObject({ finishReason: 'length', answer: '', thinkingUnclosed: true });
    expect(result.tokens).toHaveLength(20);
  });

  it('closes thinking at the thinking cap so the model answers', async () => {
    // The model thinks forever unless the think block is closed; once closed, it answers "ok".
    const ok = chat.encode('ok');
    const close = chat.encode('</think>\n\n');
    const model = new FakeModel((h) => {
      const closedAt = h.findIndex((_, i) => close.every((t, k) => h[i + k] === t));
      if (closedAt < 0) return h.length < 30 ? chat.encode('<think>')[0]! : chat.encode('x')[0]!;
      const after = h.length - (closedAt + close.length);
      return ok[after] ?? 7;
    });
    const result = await generate(model, chat, new PrefixCache(), input(chat.encode('q'.repeat(29)), { limits: { maxNewTokens: 100, maxThinkingTokens: 5 } }));
    expect(result.thinking.length).toBeGreaterThan(0);
    expect(result).toMatchObject({ answer: 'ok', finishReason: 'stop', thinkingUnclosed: false });
  });

  it('reuses the processed page for a follow-up: fewer tokens fed, same answer as a cold run', async () => {
    const next = (h: readonly number[]) => (h.length > 400 ? 7 : 20 + (h.reduce((a, b) => a + b, 0) % 50));
    const page = 'The page text. '.repeat(20);
    const first = [{ role: 'system' as const, content: page }, { role: 'user' as const, content: 'Who wrote it?' }];
    const warm = new FakeModel(next);
    const cache = new PrefixCache();
    const a1 = await generate(warm, chat, cache, input(chat.prompt(first)));
    const follow = [...first, { role: 'assistant' as const, content: a1.answer }, { role: 'user' as const, content: 'When?' }];
    const prompt = chat.prompt(follow);
    warm.processed = 0;
    const warmResult = await generate(warm, chat, cache, input(prompt));
    const cold = new FakeModel(next);
    const coldResult = await generate(cold, chat, new PrefixCache(), input(prompt));
    expect(warmResult.tokens).toEqual(coldResult.tokens);
    expect(warmResult.reusedTokens).toBeGreaterThan(prompt.length / 2);
    expect(warm.processed).toBeLessThan(cold.processed / 2);
  });

  it('a new question on the same page reuses the page through the boundary snapshot', async () => {
    const model = new FakeModel(() => 7);
    const cache = new PrefixCache();
    const page = { role: 'system' as const, content: 'Long page. '.repeat(50) };
    const ask = async (q: string) => {
      const messages = [page, { role: 'user' as const, content: q }];
      const boundary = chat.prompt([page], [], false).length;
      return generate(model, chat, cache, input(chat.prompt(messages), { boundaries: [boundary] }));
    };
    await ask('first question');
    const second = await ask('another question');
    expect(second.reusedTokens).toBe(chat.prompt([page], [], false).length);
  });

  it('cancels between steps, within one step of the abort, and frees every tensor it held', async () => {
    const model = new FakeModel(() => 30, 512, 5);
    const controller = new AbortController();
    const cache = new PrefixCache();
    let stepsAtAbort = 0;
    const run = generate(model, chat, cache, input(chat.encode('hello'), {
      signal: controller.signal,
      limits: { maxNewTokens: 1000 },
      onEvent: (e) => {
        if (e.type === 'text' && !controller.signal.aborted && model.steps > 10) {
          stepsAtAbort = model.steps;
          controller.abort();
        }
      },
    }));
    await expect(run).rejects.toThrow(/abort/i);
    expect(model.steps - stepsAtAbort).toBeLessThanOrEqual(1);
    cache.clear();
    expect(model.undisposed).toBe(0);
  });
});
