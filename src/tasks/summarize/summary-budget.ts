import type { SummaryLength, SummaryOptions, SummaryType } from '../../protocol/commands/summarize-commands';

/** What one model call may write: `maxNewTokens` counts thinking too, which the engine caps at `maxThinkingTokens`. */
export interface StageBudget {
  maxNewTokens: number;
  maxThinkingTokens: number;
}

export interface SummaryBudgets {
  contextTokens: number;
  map: StageBudget;
  reduce: StageBudget;
  final: StageBudget;
  ask: StageBudget;
  /** A follow-up question this long fits after the summary without cutting the conversation. */
  questionTokens: number;
}

/** Answer tokens a summary needs, generous for languages that take more tokens per word. */
const ANSWER_TOKENS: Record<SummaryType, Record<SummaryLength, number>> = {
  'key-points': { short: 200, medium: 320, long: 480 },
  tldr: { short: 100, medium: 220, long: 360 },
  teaser: { short: 100, medium: 220, long: 360 },
  headline: { short: 48, medium: 64, long: 80 },
};
const QUESTION_TOKENS = 160;

/**
 * Splits a context window between prompt and generation. Shares scale down with small contexts so that a
 * page always has room (a page longer than the context is split; it is never refused).
 */
export function summaryBudgets(contextTokens: number, options: SummaryOptions): SummaryBudgets {
  const thinking = Math.min(512, Math.floor(contextTokens / 32));
  const stage = (answer: number): StageBudget => ({ maxNewTokens: answer + thinking, maxThinkingTokens: thinking });
  const notes = stage(Math.min(384, Math.floor(contextTokens / 16)));
  return {
    contextTokens,
    map: notes,
    reduce: notes,
    final: stage(Math.min(ANSWER_TOKENS[options.type][options.length], Math.floor(contextTokens / 8))),
    ask: stage(Math.min(512, Math.floor(contextTokens / 16))),
    questionTokens: Math.min(QUESTION_TOKENS, Math.floor(contextTokens / 32)),
  };
}
