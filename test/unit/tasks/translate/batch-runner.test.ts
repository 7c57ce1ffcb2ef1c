// The batch runner against a scripted model (a unit test of the retry logic; the real model runs in the e2e tests).
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../../src/engine/chat-format';
import type { InlinePiece, TranslateBatch } from '../../../../src/protocol';
import { packByTokens, runTranslateBatch, type TranslateModel } from '../../../../src/tasks/translate/batch-runner';

/** A model that answers each prompt with `answer(lines)`, where lines are the numbered units it was sent. */
function scripted(answer: (lines: string[]) => string): TranslateModel & { prompts: string[][] } {
  const prompts: string[][] = [];
  return {
    prompts,
    textTokens: (text) => Math.ceil(text.length / 4),
    async generate(messages: ChatMessage[], _max, _signal, onText) {
      const lines = messages.at(-1)!.content.split('\n').map((line) => line.replace(/^\[\d+\] /, ''));
      prompts.push(lines);
      const text = answer(lines);
      for (let i = 0; i < text.length; i += 5) onText(text.slice(i, i + 5));
      return { promptTokens: 100, reusedTokens: 80, writtenTokens: text.length, decodeMs: 1 };
    },
  };
}

const batch = (texts: string[]): TranslateBatch => ({ from: 'en', to: 'de', units: texts.map((text, id) => ({ id, pieces: [text] })) });
const upper = (lines: string[]) => lines.map((line, i) => `[${i + 1}] ${line.toUpperCase()}`).join('\n');

async function run(model: TranslateModel, texts: string[]) {
  const got = new Map<number, InlinePiece[]>();
  const result = await runTranslateBatch(batch(texts), model, new AbortController().signal, (id, pieces) => got.set(id, pieces));
  return { got, result };
}

describe('translating a batch', () => {
  it('one call when the answer lines up, each unit handed over as its line completes', async () => {
    const model = scripted(upper);
    const { got, result } = await run(model, ['one', 'two', 'three']);
    expect([...got.values()]).toEqual([['ONE'], ['TWO'], ['THREE']]);
    expect(result).toMatchObject({ failed: [], calls: 1 });
  });

  it('a misaligned answer: what lined up is kept, the rest is sent again in halves, then alone', async () => {
    // The first answer leaves out units 2 and 4; after that the model answers what it is sent.
    let calls = 0;
    const model = scripted((lines) => (calls++ === 0 ? `[1] ${lines[0]!.toUpperCase()}\n[3] ${lines[2]!.toUpperCase()}` : upper(lines)));
    const { got, result } = await run(model, ['a', 'b', 'c', 'd']);
    expect(new Map([...got].sort())).toEqual(new Map([[0, ['A']], [1, ['B']], [2, ['C']], [3, ['D']]]));
    expect(model.prompts).toEqual([['a', 'b', 'c', 'd'], ['b'], ['d']]);
    expect(result.failed).toEqual([]);
  });

  it('a unit the model never gets right is reported with the reason; the others are not held back', async () => {
    const model = scripted((lines) => lines.map((line, i) => `[${i + 1}] ${line.includes('42') ? 'keine Zahl' : line.toUpperCase()}`).join('\n'));
    const { got, result } = await run(model, ['first', 'page 42', 'last']);
    expect([...got.keys()].sort()).toEqual([0, 2]);
    expect(result.failed).toEqual([{ id: 1, reason: 'The model changed the number 42.' }]);
    expect(result.calls).toBe(2);
  });

  it('garbage (empty lines, runaway text, repeated numbers) never lands: each unit fails with its reason', async () => {
    const model = scripted((lines) => (lines.length > 1 ? '[1]\n[1] x\n[2] ' + 'z'.repeat(500) : ''));
    const { got, result } = await run(model, ['short', 'tiny']);
    expect(got.size).toBe(0);
    expect(result.failed.map((f) => f.id).sort()).toEqual([0, 1]);
  });

  it('packs units into calls under the token budget, a unit over it alone', () => {
    const units = [3, 3, 3, 10, 1].map((tokens) => ({ tokens }));
    expect(packByTokens(units, 6).map((g) => g.map((u) => u.tokens))).toEqual([[3, 3], [3], [10], [1]]);
  });
});
