// What each model call of a summary plan will feed and write, in tokens, so the device's measured speed can say
// how long the whole summary takes before it starts. Notes are not written yet when the summary is planned, so
// merge and final prompts count each note at the length it may reach.
import type { GenerationWork } from '../../engine/device-speed';
import type { PromptMeter } from './prompt-meter';
import { noteTokens, splitEvenly, type SummaryPlan } from './summary-plan';
import { mergeNotesMessages, notesGrounding, partNotesMessages, summaryMessages } from './summary-prompts';

/** The plan's model calls in the order they run: map steps, reduce rounds, the final answer. */
export function plannedWork(plan: SummaryPlan, meter: PromptMeter): GenerationWork[] {
  const { title, options, budgets } = plan;
  const written = (budget: { maxNewTokens: number }) => budget.maxNewTokens;
  const call = (prefillTokens: number, newTokens: number): GenerationWork => ({ prefillTokens, pastTokens: 0, newTokens });
  if (plan.single !== undefined) return [call(meter.promptTokens(summaryMessages(title, plan.single, options)), written(budgets.final))];

  const note = noteTokens(budgets);
  const notesOf = (count: number) => Array.from({ length: count }, () => '');
  const work = plan.chunks.map((chunk, i) => call(meter.promptTokens(partNotesMessages(title, i + 1, plan.chunks.length, chunk, options)), written(budgets.map)));
  let notes = plan.chunks.length;
  for (const groups of plan.reduceRounds) {
    for (const group of splitEvenly(notesOf(notes), groups)) {
      work.push(call(meter.promptTokens(mergeNotesMessages(title, group, options)) + group.length * note, written(budgets.reduce)));
    }
    notes = groups;
  }
  work.push(call(meter.promptTokens(summaryMessages(title, notesGrounding(notesOf(notes)), options)) + notes * note, written(budgets.final)));
  return work;
}

/** `work` when the engine's cache already holds `reusable` of its prompt tokens (a request always feeds at least one). */
export function afterCache(work: GenerationWork, reusable: number): GenerationWork {
  const reused = Math.min(work.prefillTokens - 1, reusable);
  return { ...work, prefillTokens: work.prefillTokens - reused, pastTokens: work.pastTokens + reused };
}
