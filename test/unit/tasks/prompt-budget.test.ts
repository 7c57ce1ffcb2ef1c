import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/engine/seeded-random';
import { SUMMARY_FORMATS, SUMMARY_LANGUAGES, SUMMARY_LENGTHS, SUMMARY_TYPES, type SummaryOptions } from '../../../src/protocol/commands/summarize-commands';
import { followUpMessages } from '../../../src/tasks/summarize/follow-up';
import { utf8ByteMeter, type PromptMeter } from '../../../src/tasks/summarize/prompt-meter';
import { planSummary } from '../../../src/tasks/summarize/summary-plan';
import { runSummary } from '../../../src/tasks/summarize/summary-runner';
import { fakeSummaryModel } from './fake-summary-model';
import { randomPage, randomText } from './random-pages';
import { tinyModelMeter } from './tiny-model-meter';

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function randomOptions(random: () => number, hasSelection: boolean): SummaryOptions {
  return {
    type: pick(random, SUMMARY_TYPES),
    length: pick(random, SUMMARY_LENGTHS),
    format: pick(random, SUMMARY_FORMATS),
    language: pick(random, SUMMARY_LANGUAGES),
    scope: hasSelection && random() < 0.5 ? 'selection' : 'page',
  };
}

describe.each([
  ['the tiny test model tokenizer and chat template', () => tinyModelMeter()],
  ['the UTF-8 byte meter', async () => utf8ByteMeter],
])('prompt budgets with %s', (_name, makeMeter) => {
  let meter: PromptMeter;
  beforeAll(async () => {
    meter = await makeMeter();
  });

  it('for any page size and context, no prompt exceeds the context minus its generation budget', async () => {
    const random = seededRandom(7);
    const shapes = { single: 0, mapped: 0, reduced: 0 };
    for (let trial = 0; trial < 24; trial++) {
      const contextTokens = pick(random, [2048, 3072, 4096, 8192, 32768]);
      const chars = Math.floor(Math.exp(random() * Math.log(60_000)));
      const page = randomPage(trial, chars);
      const options = randomOptions(random, page.selection !== '');
      const plan = planSummary(page, options, contextTokens, meter);
      shapes[plan.reduceRounds.length > 0 ? 'reduced' : plan.chunks.length > 0 ? 'mapped' : 'single']++;
      const model = fakeSummaryModel(meter, contextTokens, trial, trial % 2 ? 'full' : 'random');
      const outcome = await runSummary(plan, model, new AbortController().signal, () => {});
      const context = `trial ${trial}: ${chars} chars, context ${contextTokens}, ${JSON.stringify(options)}`;
      expect(model.calls.length, context).toBe(plan.parts);
      for (const call of model.calls) {
        expect(call.promptTokens + call.budget.maxNewTokens, context).toBeLessThanOrEqual(contextTokens);
      }

      // A follow-up within the question allowance fits after the summary, starting with the summary's prompt.
      const question = randomText(random, 12).slice(0, plan.budgets.questionTokens);
      const ask = followUpMessages(
        { title: page.title, grounding: outcome.grounding, options, summary: outcome.answer, turns: [], question },
        plan.budgets.ask,
        contextTokens,
        meter,
      );
      expect(meter.promptTokens(ask) + plan.budgets.ask.maxNewTokens, context).toBeLessThanOrEqual(contextTokens);
      expect(ask.slice(0, 2), context).toEqual(model.calls.at(-1)!.messages);
    }
    // The trials cover one-pass summaries, map-only plans and plans with reduce rounds.
    expect(Object.values(shapes).every((count) => count >= 2), JSON.stringify(shapes)).toBe(true);
  });

  it('a follow-up on a smaller context than the summary had still fits, dropping the oldest turns first', () => {
    const long = randomText(seededRandom(3), 3000);
    const options: SummaryOptions = { type: 'tldr', length: 'long', format: 'plain-text', language: 'en', scope: 'page' };
    const turns = Array.from({ length: 8 }, (_, i) => ({ question: `Question ${i}?`, answer: randomText(seededRandom(i), 80) }));
    const budget = { maxNewTokens: 200, maxThinkingTokens: 50 };
    const messages = followUpMessages({ title: 'T', grounding: long, options, summary: long.slice(0, 2000), turns, question: 'Why?' }, budget, 2048, meter);
    expect(meter.promptTokens(messages) + 200).toBeLessThanOrEqual(2048);
    expect(messages.at(-1)!.content).toContain('Why?');
  });
});
