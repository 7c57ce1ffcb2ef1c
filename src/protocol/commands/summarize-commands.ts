import * as v from 'valibot';
import { ExtractedPageSchema } from '../content-messages';

/**
 * Summaries of the open tab and follow-up questions about it. The page arrives already extracted (by the
 * content script, through the worker's `tab.extract-page`); the host plans, prompts and generates.
 */

/** Like Chrome's Summarizer API types, plus a headline. */
export const SUMMARY_TYPES = ['key-points', 'tldr', 'teaser', 'headline'] as const;
export const SUMMARY_LENGTHS = ['short', 'medium', 'long'] as const;
export const SUMMARY_FORMATS = ['plain-text', 'markdown'] as const;
export type SummaryType = (typeof SUMMARY_TYPES)[number];
export type SummaryLength = (typeof SUMMARY_LENGTHS)[number];
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

/** Output languages the LFM2.5 models are trained to write (BCP 47 base codes). */
export const SUMMARY_LANGUAGES = ['en', 'ar', 'zh', 'fr', 'de', 'ja', 'ko', 'es', 'pt', 'it', 'ru', 'hi', 'th'] as const;
export type SummaryLanguage = (typeof SUMMARY_LANGUAGES)[number];

export const SummaryOptionsSchema = v.object({
  type: v.picklist(SUMMARY_TYPES),
  length: v.picklist(SUMMARY_LENGTHS),
  format: v.picklist(SUMMARY_FORMATS),
  language: v.picklist(SUMMARY_LANGUAGES),
  /** `selection`: summarize only what the user selected. */
  scope: v.picklist(['page', 'selection']),
});
export type SummaryOptions = v.InferOutput<typeof SummaryOptionsSchema>;

/** The model's context to plan for; the host uses the model's own size unless a smaller one is asked. */
const ContextTokensSchema = v.optional(v.pipe(v.number(), v.integer(), v.minValue(2048), v.maxValue(131_072)));

const TextLimit = (chars: number) => v.pipe(v.string(), v.maxLength(chars));

/**
 * Part notes a long page's summary stands on (the page itself grounds a short page's conversation). Their
 * length follows the model's tokens, not the page's characters (a garbage note of long tokens can run past
 * any page-based bound), so the host cuts them to this before answering.
 */
export const NOTES_CHARS = 200_000;
const NotesSchema = TextLimit(NOTES_CHARS);

/** A conversation's id, given by the host with its summary. */
const ConversationIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

/** Earlier turns a follow-up keeps: the host holds at most these, and a restore sends at most these. */
export const FOLLOW_UP_TURNS_KEPT = 20;

const SummaryEventSchema = v.variant('type', [
  /** No model was loaded (first use, or the engine was closed when idle): the cached one is loading. */
  v.object({ type: v.literal('loading'), fraction: v.pipe(v.number(), v.minValue(0), v.maxValue(1)) }),
  /**
   * Step `part` of `parts` (1-based, every step of the plan): map (reading part `part` of the page's `pageParts`),
   * reduce (merging notes), final (writing the answer).
   */
  v.object({
    type: v.literal('progress'),
    stage: v.picklist(['map', 'reduce', 'final']),
    part: v.pipe(v.number(), v.integer(), v.minValue(1)),
    parts: v.pipe(v.number(), v.integer(), v.minValue(1)),
    pageParts: v.pipe(v.number(), v.integer(), v.minValue(0)),
    /** The plan's work done, 0 to 1, each step weighted by its estimated cost (by step count before any speed was measured). */
    fraction: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    /** Seconds left at the speed this device has shown with this model (absent before it was measured). */
    secondsLeft: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1e7))),
    /** Where the model runs, for the estimate's wording: "on this computer's CPU". */
    runsOn: v.optional(v.picklist(['cpu', 'gpu'])),
  }),
  /** Text as the model writes it: `thinking` is folded away in the UI, `answer` is the summary itself. */
  v.object({ type: v.literal('thinking'), text: TextLimit(100_000) }),
  v.object({ type: v.literal('answer'), text: TextLimit(100_000) }),
]);
export type SummaryEvent = v.InferOutput<typeof SummaryEventSchema>;

const AnswerResultSchema = v.object({
  text: TextLimit(200_000),
  thinking: TextLimit(200_000),
  /** Prompt tokens the engine took from an earlier request instead of processing them again. */
  reusedTokens: v.pipe(v.number(), v.integer(), v.minValue(0)),
  promptTokens: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

const TurnSchema = v.object({ question: TextLimit(4000), answer: TextLimit(200_000) });

export const summarizeCommands = {
  'task.summarize': {
    payload: v.object({ page: ExtractedPageSchema, options: SummaryOptionsSchema, contextTokens: ContextTokensSchema }),
    result: v.object({
      ...AnswerResultSchema.entries,
      /** Follow-ups name it; the host keeps what they stand on, so the page never travels again. */
      conversationId: ConversationIdSchema,
      /** Set when the page was too long for one prompt: what the summary and its follow-ups stand on. */
      notes: v.optional(NotesSchema),
      /** Parts the page was split into (1 when it fit in one prompt). */
      chunks: v.pipe(v.number(), v.integer(), v.minValue(1)),
    }),
    event: SummaryEventSchema,
  },
  /**
   * A follow-up question on the conversation a summary started. The host remembers the page, the summary and
   * the turns; only when it was closed in between (it answers `conversation-lost`) does the panel send them
   * again in `restore`, the page as it extracted it and the most recent turns.
   */
  'task.ask': {
    payload: v.object({
      conversationId: ConversationIdSchema,
      question: v.pipe(v.string(), v.minLength(1), v.maxLength(4000)),
      contextTokens: ContextTokensSchema,
      restore: v.optional(
        v.object({
          page: ExtractedPageSchema,
          options: SummaryOptionsSchema,
          summary: TextLimit(200_000),
          notes: v.optional(NotesSchema),
          turns: v.pipe(v.array(TurnSchema), v.maxLength(FOLLOW_UP_TURNS_KEPT)),
        }),
      ),
    }),
    result: AnswerResultSchema,
    event: SummaryEventSchema,
  },
} as const;
