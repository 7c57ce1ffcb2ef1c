import type { ChatMessage } from '../../engine/chat-format';
import type { GenerationWork } from '../../engine/device-speed';
import { JobPace } from '../job-pace';
import { afterCache, plannedWork } from './summary-cost';
import { NOTES_CHARS, type SummaryEvent, type summarizeCommands } from '../../protocol/commands/summarize-commands';
import type { InferOutput } from 'valibot';
import { fitText, type PromptMeter } from './prompt-meter';
import type { StageBudget } from './summary-budget';
import { noteTokens, splitEvenly, type SummaryPlan } from './summary-plan';
import { mergeNotesMessages, notesGrounding, partNotesMessages, summaryMessages } from './summary-prompts';

export interface ModelAnswer {
  answer: string;
  thinking: string;
  promptTokens: number;
  reusedTokens: number;
}

/** The engine as the summary needs it; the offscreen host adapts the real one, tests pass a fake. */
export interface SummaryModel {
  meter: PromptMeter;
  contextTokens: number;
  /** Milliseconds a call should take on this device at its measured speed; absent before it was measured. */
  estimateMs?(work: GenerationWork): number | undefined;
  /** Prompt tokens of `messages` the engine would take from its cache now (a summary asked for again). */
  reusableTokens?(messages: ChatMessage[]): number;
  /** Where the model runs, for the estimate's wording. */
  runsOn?: 'cpu' | 'gpu';
  generate(
    messages: ChatMessage[],
    budget: StageBudget,
    signal: AbortSignal,
    onText?: (channel: 'thinking' | 'answer', text: string) => void,
  ): Promise<ModelAnswer>;
}

export interface SummaryOutcome extends ModelAnswer {
  grounding: string;
  chunks: number;
}

/** Runs a plan: map, reduce rounds, final; only the final step streams text to the user. */
export async function runSummary(
  plan: SummaryPlan,
  model: SummaryModel,
  signal: AbortSignal,
  emit: (event: SummaryEvent) => void,
): Promise<SummaryOutcome> {
  const { title, options, budgets } = plan;
  // Before the first call, the whole summary's time at this device's measured speed; then the time left.
  const pace = new JobPace(model.estimateMs ? estimates(plan, model, model.estimateMs) : new Array<undefined>(plan.parts).fill(undefined));
  let part = 0;
  const progress = (stage: 'map' | 'reduce' | 'final') => {
    part++;
    emit({ type: 'progress', stage, part, parts: plan.parts, pageParts: plan.chunks.length, ...pace.at(part - 1), ...(model.runsOn ? { runsOn: model.runsOn } : {}) });
  };
  const step = async (stage: 'map' | 'reduce', messages: ChatMessage[], budget: StageBudget): Promise<string> => {
    progress(stage);
    const { answer } = await model.generate(checked(messages, budget, model), budget, signal);
    // The plan counted on each note's cap: a model that skipped thinking and wrote on is cut there.
    return fitText(answer, noteTokens(budgets), model.meter);
  };

  let grounding = plan.single;
  if (grounding === undefined) {
    let notes: string[] = [];
    for (const [i, chunk] of plan.chunks.entries()) {
      notes.push(await step('map', partNotesMessages(title, i + 1, plan.chunks.length, chunk, options), budgets.map));
    }
    for (const groups of plan.reduceRounds) {
      const merged: string[] = [];
      for (const group of splitEvenly(notes, groups)) {
        merged.push(await step('reduce', mergeNotesMessages(title, group, options), budgets.reduce));
      }
      notes = merged;
    }
    grounding = notesGrounding(notes);
  }

  progress('final');
  const messages = summaryMessages(title, grounding, options);
  const answer = await model.generate(checked(messages, budgets.final, model), budgets.final, signal, (channel, text) =>
    emit({ type: channel, text }),
  );
  return { ...answer, grounding, chunks: Math.max(1, plan.chunks.length) };
}

/**
 * Each call's estimated milliseconds. A one-pass summary asked for again (Regenerate) finds its prompt in the
 * engine's cache: only the rest counts. (A long page's parts are too many for the cache to keep.)
 */
function estimates(plan: SummaryPlan, model: SummaryModel, estimateMs: (work: GenerationWork) => number | undefined): Array<number | undefined> {
  const work = plannedWork(plan, model.meter);
  if (plan.single !== undefined && model.reusableTokens) work[0] = afterCache(work[0]!, model.reusableTokens(summaryMessages(plan.title, plan.single, plan.options)));
  return work.map(estimateMs);
}

export type SummaryResult = InferOutput<(typeof summarizeCommands)['task.summarize']['result']>;

/**
 * What the panel gets back: the answer, and for a map-reduced page the notes a follow-up stands on should the
 * host be closed in between (cut to what the protocol carries: follow-ups fit their grounding to the context anyway).
 */
export function summaryResult(plan: SummaryPlan, outcome: SummaryOutcome, conversationId: string): SummaryResult {
  return {
    text: outcome.answer,
    thinking: outcome.thinking,
    reusedTokens: outcome.reusedTokens,
    promptTokens: outcome.promptTokens,
    conversationId,
    ...(plan.single === undefined ? { notes: cutAt(outcome.grounding, NOTES_CHARS) } : {}),
    chunks: outcome.chunks,
  };
}

/** At most `max` UTF-16 units, never half a surrogate pair. */
function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max);
}

/** The invariant the plan promises, checked before every call: prompt + generation fit the context. */
export function checked(messages: ChatMessage[], budget: StageBudget, model: Pick<SummaryModel, 'meter' | 'contextTokens'>): ChatMessage[] {
  const tokens = model.meter.promptTokens(messages);
  if (tokens + budget.maxNewTokens > model.contextTokens) {
    throw new RangeError(`Planned prompt of ${tokens} tokens leaves no room for ${budget.maxNewTokens} new tokens in ${model.contextTokens}.`);
  }
  return messages;
}
