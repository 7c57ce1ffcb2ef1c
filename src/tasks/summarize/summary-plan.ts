import type { ExtractedPage } from '../../protocol/content-messages';
import type { SummaryOptions } from '../../protocol/commands/summarize-commands';
import { planChunks } from './chunk-planner';
import { pageSections, renderSections } from './page-sections';
import type { PromptMeter } from './prompt-meter';
import { summaryBudgets, type SummaryBudgets } from './summary-budget';
import { mergeNotesMessages, notesGrounding, partNotesMessages, questionMessage, selectionGrounding, summaryMessages } from './summary-prompts';

/**
 * How a page will be summarized, decided before the model runs. A page that fits one prompt is summarized
 * in one pass. A longer one is map-reduced: notes on each part (map), notes merged in groups while there
 * are more than the final prompt holds (reduce, planned from the notes' token caps, so the number of steps
 * is known up front and progress is exact), then the summary of the notes (final).
 */
export interface SummaryPlan {
  title: string;
  options: SummaryOptions;
  budgets: SummaryBudgets;
  /** The grounding of a one-pass summary; undefined when the page is map-reduced. */
  single: string | undefined;
  /** Text of each part for the map step (empty for a one-pass summary). */
  chunks: string[];
  /** Notes one merge step takes. */
  notesPerMerge: number;
  /** Notes the final prompt can hold. */
  notesInFinal: number;
  /** Merge steps per reduce round. */
  reduceRounds: number[];
  /** Model calls in all: what progress counts to. */
  parts: number;
}

/** Part numbers are not known while chunking; measuring with the widest ones keeps every real prompt inside. */
const WIDEST_PART = 9999;

export function planSummary(page: ExtractedPage, options: SummaryOptions, contextTokens: number, meter: PromptMeter): SummaryPlan {
  const budgets = summaryBudgets(contextTokens, options);
  const title = page.title;
  const sections = pageSections(page, options.scope);
  if (sections.length === 0) throw new RangeError(options.scope === 'selection' ? 'Nothing is selected.' : 'The page has no text.');
  // The summary's conversation keeps room for a first follow-up (its turn markup measured, its text capped).
  const followUpTurn = meter.promptTokens([questionMessage('', options), { role: 'assistant', content: '' }]);
  const finalLimit = contextTokens - budgets.final.maxNewTokens - followUpTurn - budgets.questionTokens - budgets.ask.maxNewTokens;
  const grounding = pageGrounding(page, options);
  const base = { title, options, budgets, notesPerMerge: 0, notesInFinal: 0, reduceRounds: [] };
  if (meter.promptTokens(summaryMessages(title, grounding, options)) <= finalLimit) {
    return { ...base, single: grounding, chunks: [], parts: 1 };
  }

  const chunks = planChunks(
    sections,
    (chunk) => partNotesMessages(title, WIDEST_PART, WIDEST_PART, chunk, options),
    contextTokens - budgets.map.maxNewTokens,
    meter,
  );
  const noteCost = noteTokens(budgets) + meter.textTokens(`[Part ${WIDEST_PART} of ${WIDEST_PART}]\n\n\n`);
  const notesPerMerge = Math.floor(
    (contextTokens - budgets.reduce.maxNewTokens - meter.promptTokens(mergeNotesMessages(title, [], options))) / noteCost,
  );
  const notesInFinal = Math.floor((finalLimit - meter.promptTokens(summaryMessages(title, notesGrounding([]), options))) / noteCost);
  if (notesPerMerge < 2 || notesInFinal < 1) throw new RangeError(`A context of ${contextTokens} tokens is too small to summarize a long page.`);

  const reduceRounds: number[] = [];
  for (let notes = chunks.length; notes > notesInFinal; notes = reduceRounds.at(-1)!) {
    reduceRounds.push(Math.ceil(notes / notesPerMerge));
  }
  const parts = chunks.length + reduceRounds.reduce((a, b) => a + b, 0) + 1;
  return { ...base, single: undefined, chunks, notesPerMerge, notesInFinal, reduceRounds, parts };
}

/** What a one-pass summary (and its follow-ups) of `page` stands on: its text, or the user's selection. */
export function pageGrounding(page: ExtractedPage, options: Pick<SummaryOptions, 'scope'>): string {
  const text = renderSections(pageSections(page, options.scope));
  return options.scope === 'selection' ? selectionGrounding(text) : text;
}

/** The most tokens one note keeps: a map or merge step's answer allowance (a longer answer is cut to it). */
export function noteTokens(budgets: SummaryBudgets): number {
  return Math.max(budgets.map.maxNewTokens - budgets.map.maxThinkingTokens, budgets.reduce.maxNewTokens - budgets.reduce.maxThinkingTokens);
}

/** `items` in `groups` consecutive runs of near-equal size. */
export function splitEvenly<T>(items: readonly T[], groups: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let g = 0; g < groups; g++) {
    const end = start + Math.ceil((items.length - start) / (groups - g));
    out.push(items.slice(start, end));
    start = end;
  }
  return out.filter((group) => group.length > 0);
}
