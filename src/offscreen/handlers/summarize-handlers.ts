import type { Engine } from '../../engine/engine';
import { PagewiseError, type EngineHandlers, type SummaryEvent, type summarizeCommands } from '../../protocol';
import { followUpMessages } from '../../tasks/summarize/follow-up';
import { summaryBudgets } from '../../tasks/summarize/summary-budget';
import { planSummary } from '../../tasks/summarize/summary-plan';
import { checked, runSummary, type SummaryModel } from '../../tasks/summarize/summary-runner';
import { generationFailure, readyEngine } from '../loaded-engine';

type SummarizeHandlers = Pick<EngineHandlers, keyof typeof summarizeCommands>;

/**
 * Summaries and follow-up questions, run next to the engine: prompts are planned with the model's own
 * tokenizer and chat template, so every planned prompt fits the context exactly as the engine will feed it.
 */
export function summarizeHandlers(): SummarizeHandlers {
  return {
    'task.summarize': async ({ page, options, contextTokens }, { signal, emit }) => {
      const model = await summaryModel(contextTokens, signal, emit);
      const plan = plannedOrExplained(() => planSummary(page, options, model.contextTokens, model.meter));
      const outcome = await runSummary(plan, model, signal, emit);
      return {
        text: outcome.answer,
        thinking: outcome.thinking,
        reusedTokens: outcome.reusedTokens,
        promptTokens: outcome.promptTokens,
        grounding: outcome.grounding,
        chunks: outcome.chunks,
      };
    },
    'task.ask': async ({ contextTokens, ...followUp }, { signal, emit }) => {
      const model = await summaryModel(contextTokens, signal, emit);
      const budget = summaryBudgets(model.contextTokens, followUp.options).ask;
      const messages = plannedOrExplained(() => followUpMessages(followUp, budget, model.contextTokens, model.meter));
      emit({ type: 'progress', stage: 'final', part: 1, parts: 1 });
      const answer = await model.generate(checked(messages, budget, model), budget, signal, (type, text) => emit({ type, text }));
      return { text: answer.answer, thinking: answer.thinking, reusedTokens: answer.reusedTokens, promptTokens: answer.promptTokens };
    },
  };
}

/** The loaded model, or the user's cached one loaded now (first use, or after the idle timeout closed the host). */
async function summaryModel(requestedContext: number | undefined, signal: AbortSignal, emit: (event: SummaryEvent) => void): Promise<SummaryModel> {
  const engine = await readyEngine(signal, (fraction) => emit({ type: 'loading', fraction }));
  return engineSummaryModel(engine, Math.min(requestedContext ?? engine.contextTokens, engine.contextTokens));
}

function engineSummaryModel(engine: Engine, contextTokens: number): SummaryModel {
  return {
    meter: {
      promptTokens: (messages) => engine.chat.prompt(messages).length,
      textTokens: (text) => engine.chat.encode(text).length,
    },
    contextTokens,
    async generate(messages, budget, signal, onText) {
      const result = await engine
        .generate({ messages, maxNewTokens: budget.maxNewTokens, maxThinkingTokens: budget.maxThinkingTokens }, signal, (event) => {
          if (event.type === 'text' && event.channel !== 'tool-call') onText?.(event.channel === 'think' ? 'thinking' : 'answer', event.text);
        })
        .catch(async (error: unknown) => {
          throw await generationFailure(error, signal);
        });
      return { answer: result.answer, thinking: result.thinking, promptTokens: result.promptTokens, reusedTokens: result.reusedTokens };
    },
  };
}

/** Planning fails only when the page or context leaves nothing to work with; say so in the user's terms. */
function plannedOrExplained<T>(plan: () => T): T {
  try {
    return plan();
  } catch (error) {
    if (error instanceof RangeError) throw new PagewiseError('unsupported', error.message);
    throw error;
  }
}
