import type { ChatMessage } from '../../engine/chat-format';
import type { SummaryOptions } from '../../protocol/commands/summarize-commands';
import { fitText, type PromptMeter } from './prompt-meter';
import type { StageBudget } from './summary-budget';
import { questionMessage, summaryMessages } from './summary-prompts';

export interface FollowUp {
  title: string;
  grounding: string;
  options: SummaryOptions;
  summary: string;
  turns: ReadonlyArray<{ question: string; answer: string }>;
  question: string;
}

/**
 * The conversation for a follow-up question: the summary's own prompt and answer, earlier turns, then the
 * question. It starts with exactly the summary's tokens, so the engine reuses the processed page.
 * When it would not fit, the oldest turns go first; then (only for contexts smaller than the summary was
 * made with) the summary and the page are shortened, which costs the reuse but never overflows.
 */
export function followUpMessages(input: FollowUp, budget: StageBudget, contextTokens: number, meter: PromptMeter): ChatMessage[] {
  const limit = contextTokens - budget.maxNewTokens;
  const build = (grounding: string, summary: string, turns: FollowUp['turns']): ChatMessage[] => [
    ...summaryMessages(input.title, grounding, input.options),
    { role: 'assistant', content: summary },
    ...turns.flatMap((turn): ChatMessage[] => [questionMessage(turn.question, input.options), { role: 'assistant', content: turn.answer }]),
    questionMessage(input.question, input.options),
  ];
  const fits = (messages: ChatMessage[]): boolean => meter.promptTokens(messages) <= limit;

  for (let dropped = 0; dropped <= input.turns.length; dropped++) {
    const messages = build(input.grounding, input.summary, input.turns.slice(dropped));
    if (fits(messages)) return messages;
  }
  const bare = meter.promptTokens(build('', '', []));
  if (bare > limit) throw new RangeError(`A context of ${contextTokens} tokens is too small for this question.`);
  const room = limit - bare;
  const summary = fitText(input.summary, Math.floor(room / 4), meter);
  let grounding = fitText(input.grounding, room - meter.textTokens(summary), meter);
  // Token counts of pieces and of the whole may differ slightly; shave until the whole fits.
  while (!fits(build(grounding, summary, [])) && grounding) grounding = grounding.slice(0, Math.floor(grounding.length * 0.9));
  return build(grounding, summary, []);
}
