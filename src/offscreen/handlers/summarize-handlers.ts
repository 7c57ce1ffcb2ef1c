import type { GenerationWork } from '../../engine/device-speed';
import type { Engine } from '../../engine/engine';
import { PagewiseError, type HostHandlers, type SummaryEvent, type summarizeCommands } from '../../protocol';
import { Conversations, type Conversation } from '../../tasks/summarize/conversations';
import { followUpMessages } from '../../tasks/summarize/follow-up';
import { summaryBudgets } from '../../tasks/summarize/summary-budget';
import { pageGrounding, planSummary } from '../../tasks/summarize/summary-plan';
import { afterCache } from '../../tasks/summarize/summary-cost';
import { checked, runSummary, summaryResult, type SummaryModel } from '../../tasks/summarize/summary-runner';
import type { EngineHost } from '../engine-host';

type SummarizeHandlers = Pick<HostHandlers, keyof typeof summarizeCommands>;

/**
 * Summaries and follow-up questions, run next to the engine: prompts are planned with the model's own
 * tokenizer and chat template, so every planned prompt fits the context exactly as the engine will feed it.
 * The host keeps each conversation, so a follow-up carries its question and nothing else.
 */
export function summarizeHandlers(host: EngineHost): SummarizeHandlers {
  const conversations = new Conversations();

  /** The loaded model, or the user's cached one loaded now (first use, or after the idle timeout closed the host). */
  const summaryModel = async (requestedContext: number | undefined, signal: AbortSignal, emit: (event: SummaryEvent) => void): Promise<SummaryModel> => {
    const engine = await host.readyEngine(signal, (fraction) => emit({ type: 'loading', fraction }));
    return engineSummaryModel(host, engine, Math.min(requestedContext ?? engine.contextTokens, engine.contextTokens));
  };

  return {
    'task.summarize': async ({ page, options, contextTokens }, { signal, emit }) => {
      const model = await summaryModel(contextTokens, signal, emit);
      const plan = plannedOrExplained(() => planSummary(page, options, model.contextTokens, model.meter));
      const outcome = await runSummary(plan, model, signal, emit);
      const conversationId = crypto.randomUUID();
      conversations.put(conversationId, { title: page.title, grounding: outcome.grounding, options, summary: outcome.answer, turns: [] });
      return summaryResult(plan, outcome, conversationId);
    },
    'task.ask': async ({ conversationId, question, contextTokens, restore }, { signal, emit }) => {
      if (restore) conversations.put(conversationId, restored(restore));
      const conversation = conversations.get(conversationId);
      if (!conversation) throw new PagewiseError('conversation-lost', 'The engine no longer holds this conversation (it was restarted, or made room for newer ones).');
      const model = await summaryModel(contextTokens, signal, emit);
      const budget = summaryBudgets(model.contextTokens, conversation.options).ask;
      const messages = plannedOrExplained(() => followUpMessages({ ...conversation, question }, budget, model.contextTokens, model.meter));
      // A follow-up usually reuses the processed page; one sent again after the host was closed reads it all again.
      // The optional call skips measuring the prompt where this device's speed is not known yet.
      const estimateMs = model.estimateMs?.(afterCache({ prefillTokens: model.meter.promptTokens(messages), pastTokens: 0, newTokens: budget.maxNewTokens }, model.reusableTokens?.(messages) ?? 0));
      emit({ type: 'progress', stage: 'final', part: 1, parts: 1, pageParts: 0, fraction: 0, ...(estimateMs !== undefined ? { secondsLeft: estimateMs / 1000 } : {}), ...(model.runsOn ? { runsOn: model.runsOn } : {}) });
      const answer = await model.generate(checked(messages, budget, model), budget, signal, (type, text) => emit({ type, text }));
      conversations.addTurn(conversationId, { question, answer: answer.answer });
      return { text: answer.answer, thinking: answer.thinking, reusedTokens: answer.reusedTokens, promptTokens: answer.promptTokens };
    },
  };
}

/** A conversation the panel sent again after the host was closed: grounded as the summary was. */
function restored(restore: NonNullable<Parameters<SummarizeHandlers['task.ask']>[0]['restore']>): Conversation {
  const { page, options, summary, notes, turns } = restore;
  return { title: page.title, grounding: notes ?? pageGrounding(page, options), options, summary, turns };
}

function engineSummaryModel(host: EngineHost, engine: Engine, contextTokens: number): SummaryModel {
  return {
    meter: {
      promptTokens: (messages) => engine.chat.prompt(messages).length,
      textTokens: (text) => engine.chat.encode(text).length,
    },
    contextTokens,
    // Only once this device's speed was measured (else no estimate is made, and the page is not measured for one).
    ...(engine.speed.measured ? { estimateMs: (work: GenerationWork) => engine.speed.estimateMs(work) } : {}),
    reusableTokens: (messages) => engine.reusableTokens(messages),
    ...runsOn(host, engine),
    async generate(messages, budget, signal, onText) {
      const result = await host.run(engine, signal, () =>
        engine.generate({ messages, maxNewTokens: budget.maxNewTokens, maxThinkingTokens: budget.maxThinkingTokens }, signal, (event) => {
          if (event.type === 'text' && event.channel !== 'tool-call') onText?.(event.channel === 'think' ? 'thinking' : 'answer', event.text);
        }),
      );
      return { answer: result.answer, thinking: result.thinking, promptTokens: result.promptTokens, reusedTokens: result.reusedTokens };
    },
  };
}

/** Where the engine runs, for an estimate's wording ("on this computer's CPU"). */
function runsOn(host: EngineHost, engine: Engine): { runsOn?: 'cpu' | 'gpu' } {
  const backend = host.backendOf(engine);
  return backend ? { runsOn: backend === 'webgpu' ? 'gpu' : 'cpu' } : {};
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
