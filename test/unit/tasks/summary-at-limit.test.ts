// A page at the extraction limit, summarized at every context size from one pass to many map-reduce rounds:
// every stage fits, and the result the host answers with passes the protocol (a result it refused would throw
// the finished summary away).
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/engine/seeded-random';
import { EXTRACT_LIMITS, ExtractedPageSchema, summarizeCommands, type ExtractedPage, type SummaryOptions } from '../../../src/protocol';
import type { PromptMeter } from '../../../src/tasks/summarize/prompt-meter';
import { planSummary } from '../../../src/tasks/summarize/summary-plan';
import { runSummary, summaryResult, type SummaryModel } from '../../../src/tasks/summarize/summary-runner';
import { randomText } from './random-pages';

/** A page exactly at the limits: the most blocks and headings, and every character the total allows. */
function pageAtLimit(lang: string): ExtractedPage {
  const random = seededRandom(7);
  const page: ExtractedPage = { url: 'https://example.test/long', title: randomText(random, 8, lang), lang, pdf: false, source: 'article', headings: [], blocks: [], selection: '', truncated: true };
  const perBlock = EXTRACT_LIMITS.totalChars / EXTRACT_LIMITS.blocks;
  for (let i = 0; i < EXTRACT_LIMITS.blocks; i++) {
    if (i % 10 === 0) page.headings.push({ level: 2, text: randomText(random, 5, lang).slice(0, EXTRACT_LIMITS.headingChars) });
    let text = '';
    while (text.length < perBlock) text += `${randomText(random, 12, lang)} `;
    page.blocks.push({ text: text.slice(0, perBlock), section: page.headings.length - 1 });
  }
  expect(v.safeParse(ExtractedPageSchema, page).success).toBe(true);
  return page;
}

/**
 * Tokens as a byte-level tokenizer might count them, except that a run of up to 64 `=` is one token: page text
 * costs a token a character or so, while a model writing `=` runs packs 64 characters into each of its tokens.
 */
const runMeter: PromptMeter = {
  textTokens: (text) => text.replace(/={1,64}/g, '=').length,
  promptTokens: (messages) => messages.reduce((sum, message) => sum + 16 + runMeter.textTokens(message.content), 8),
};

/** A model that fills every answer with the longest tokens it has. */
function runWritingModel(contextTokens: number): SummaryModel {
  return {
    meter: runMeter,
    contextTokens,
    async generate(messages, budget) {
      const answer = '='.repeat(64 * (budget.maxNewTokens - budget.maxThinkingTokens));
      return { answer, thinking: '', promptTokens: runMeter.promptTokens(messages), reusedTokens: 0 };
    },
  };
}

const options: SummaryOptions = { type: 'key-points', length: 'long', format: 'markdown', language: 'en', scope: 'page' };

describe('a page at the extraction limit', () => {
  it.each([
    [131_072, 'en'],
    [32_768, 'th'],
    [16_384, 'th'],
    [8192, 'hi'],
  ])('at a context of %i tokens (%s) the result passes the protocol', async (contextTokens, lang) => {
    const page = pageAtLimit(lang);
    const model = runWritingModel(contextTokens);
    const plan = planSummary(page, options, contextTokens, runMeter);
    const outcome = await runSummary(plan, model, new AbortController().signal, () => {});
    const result = summaryResult(plan, outcome, 'c1');
    const parsed = v.safeParse(summarizeCommands['task.summarize'].result, result);
    expect(parsed.success, parsed.issues?.map((issue) => issue.message).join('; ')).toBe(true);
    expect(result.chunks).toBe(Math.max(1, plan.chunks.length));
  });
});
