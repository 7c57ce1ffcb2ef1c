import * as v from 'valibot';
import { fillTabCommands, FormListingSchema } from './commands/fill-commands';
import { LanguageTagSchema, TranslateStatusSchema } from './commands/translate-commands';

/**
 * What the service worker asks content scripts (one-shot messages), and what they answer. Content scripts live
 * next to hostile pages, so every answer is validated against these schemas. Content scripts ask the worker
 * nothing: the worker refuses any message that arrives from one.
 */

export const PageInfoSchema = v.object({
  url: v.pipe(v.string(), v.maxLength(8192)),
  title: v.pipe(v.string(), v.maxLength(2048)),
  /** The page's declared language (`<html lang>`), empty when it declares none. */
  lang: v.pipe(v.string(), v.maxLength(64)),
  /** A PDF shown in the browser's viewer, whose text the viewer keeps to itself. */
  pdf: v.boolean(),
});
export type PageInfo = v.InferOutput<typeof PageInfoSchema>;

/**
 * Bounds on an extracted page. The page is hostile and may be huge; the schema rejects anything larger, and
 * the extractor cuts to fit (and says so in `truncated`) rather than sending what would be refused.
 */
export const EXTRACT_LIMITS = {
  blockChars: 4000,
  blocks: 4000,
  headings: 400,
  headingChars: 300,
  /** About 100K tokens of text: more than any summary needs, small enough to pass between contexts. */
  totalChars: 400_000,
  selectionChars: 100_000,
} as const;

const HeadingSchema = v.object({
  level: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(6)),
  text: v.pipe(v.string(), v.maxLength(EXTRACT_LIMITS.headingChars)),
});

const BlockSchema = v.object({
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(EXTRACT_LIMITS.blockChars)),
  /** Index in `headings` of the section the block sits in; -1 before the first heading. */
  section: v.pipe(v.number(), v.integer(), v.minValue(-1), v.maxValue(EXTRACT_LIMITS.headings - 1)),
});

/** The readable content of a page: what summaries and questions work on. Plain text only, never HTML. */
export const ExtractedPageSchema = v.pipe(
  v.object({
    ...PageInfoSchema.entries,
    /** `article`: reader-mode extraction; `visible-text`: the fallback for pages reader mode rejects. */
    source: v.picklist(['article', 'visible-text']),
    headings: v.pipe(v.array(HeadingSchema), v.maxLength(EXTRACT_LIMITS.headings)),
    blocks: v.pipe(v.array(BlockSchema), v.maxLength(EXTRACT_LIMITS.blocks)),
    /** What the user had selected, empty when nothing. */
    selection: v.pipe(v.string(), v.maxLength(EXTRACT_LIMITS.selectionChars)),
    /** The page had more text than the limits allow; the rest was left out. */
    truncated: v.boolean(),
  }),
  v.check(
    (page) => page.blocks.reduce((sum, block) => sum + block.text.length, 0) <= EXTRACT_LIMITS.totalChars,
    'The page text is over the size limit.',
  ),
  v.check((page) => page.blocks.every((block) => block.section < page.headings.length), 'A block names a missing section.'),
);
export type ExtractedPage = v.InferOutput<typeof ExtractedPageSchema>;
export type PageHeading = ExtractedPage['headings'][number];
export type PageBlock = ExtractedPage['blocks'][number];

/** Service worker -> content script. */
export const pageCommands = {
  'page.ping': {
    payload: v.object({}),
    result: v.object({ page: PageInfoSchema, startedAt: v.number() }),
  },
  /** The page's readable text, headings and the user's selection (see ExtractedPageSchema). */
  'page.extract': {
    payload: v.object({}),
    result: ExtractedPageSchema,
  },
  /** Shows the translation of the user's selection in a bubble beside it (the worker sends progress, then the text). */
  'page.show-translation': {
    payload: v.object({
      state: v.picklist(['working', 'done', 'error']),
      text: v.pipe(v.string(), v.maxLength(20_000)),
      language: LanguageTagSchema,
      closeLabel: v.pipe(v.string(), v.maxLength(100)),
    }),
    result: v.object({}),
  },
  /** How the page's translation stands, asked when the worker has lost its channel (it was stopped when idle). */
  'page.translation-status': {
    payload: v.object({}),
    result: v.object({ status: v.optional(TranslateStatusSchema) }),
  },
  /** The page's language: as it declares it, and as the browser detects it from the text (empty when unsure). */
  'page.language': {
    payload: v.object({}),
    result: v.object({ declared: LanguageTagSchema, detected: LanguageTagSchema }),
  },
  /** Lists the page's fields and keeps their nodes under the listed ids (replacing any earlier listing). */
  'page.fill-collect': {
    payload: v.object({}),
    result: FormListingSchema,
  },
  /** The worker's fill commands, for the tab they name, minus the tab. */
  'page.fill-preview': {
    payload: v.omit(fillTabCommands['fill.preview'].payload, ['tabId']),
    result: fillTabCommands['fill.preview'].result,
  },
  'page.fill-apply': {
    payload: v.omit(fillTabCommands['fill.apply'].payload, ['tabId']),
    result: fillTabCommands['fill.apply'].result,
  },
  'page.fill-undo': {
    payload: v.object({}),
    result: fillTabCommands['fill.undo'].result,
  },
} as const;
