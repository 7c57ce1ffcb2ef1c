import type { ChatMessage } from '../../../src/engine/chat-format';
import { seededRandom } from '../../../src/engine/seeded-random';
import { fitText, type PromptMeter } from '../../../src/tasks/summarize/prompt-meter';
import type { StageBudget } from '../../../src/tasks/summarize/summary-budget';
import type { SummaryModel } from '../../../src/tasks/summarize/summary-runner';

export interface RecordedCall {
  messages: ChatMessage[];
  promptTokens: number;
  budget: StageBudget;
}

/**
 * A model that writes as much as its budget allows (or a random amount): the worst case for planning.
 * It records every prompt with its real token count, so tests check the budget on what the model saw.
 */
export function fakeSummaryModel(meter: PromptMeter, contextTokens: number, seed = 1, fill = 'full' as 'full' | 'random'): SummaryModel & { calls: RecordedCall[] } {
  const random = seededRandom(seed);
  const filler = '- The note says something about the page, with names and numbers 1234 and नमस्ते. '.repeat(60);
  const calls: RecordedCall[] = [];
  return {
    meter,
    contextTokens,
    calls,
    async generate(messages, budget, signal, onText) {
      signal.throwIfAborted();
      calls.push({ messages, promptTokens: meter.promptTokens(messages), budget });
      const answerTokens = budget.maxNewTokens - budget.maxThinkingTokens;
      const answer = fitText(filler, fill === 'full' ? answerTokens : Math.floor(random() * answerTokens), meter);
      onText?.('thinking', 'Let me read the page.');
      for (const piece of answer.match(/.{1,40}/gsu) ?? []) onText?.('answer', piece);
      return { answer, thinking: 'Let me read the page.', promptTokens: calls.at(-1)!.promptTokens, reusedTokens: 0 };
    },
  };
}
