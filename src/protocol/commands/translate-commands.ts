import * as v from 'valibot';
import { ERROR_CODES } from '../errors';

/**
 * Page translation. The content script finds the page's text units and sends each as inline pieces: text, and
 * numbered slots standing for the inline elements around it (a link, emphasis) or for what must pass through
 * untouched (code, an image). The host turns pieces into the prompt's markup, parses what the model writes back
 * into pieces again and checks them, so the page side only ever receives a structure it can write into the nodes
 * it already holds: never markup, never HTML.
 */

/** A piece of a unit: text, or slot `slot` (an inline element of the unit) with its own pieces; no `children`: opaque. */
export type InlinePiece = string | { slot: number; children?: InlinePiece[] };

/** The text a reader sees in `pieces`; an opaque slot reads as `opaque` says (by default, as nothing). */
export function piecesText(pieces: readonly InlinePiece[], opaque: (slot: number) => string = () => ''): string {
  return pieces.map((piece) => (typeof piece === 'string' ? piece : piece.children ? piecesText(piece.children, opaque) : opaque(piece.slot))).join('');
}

export const TRANSLATE_LIMITS = {
  /** Characters of text in one unit (a long paragraph is split in sentences before this). */
  unitChars: 2000,
  /** Slots in one unit, and how deep they nest. */
  slots: 64,
  depth: 12,
  /** Units in one request. */
  batchUnits: 32,
} as const;

/**
 * A long text as units: its sentences packed into groups of at most `chars` (Intl.Segmenter, so Thai, Chinese
 * and Japanese, which put no spaces between sentences, split where their sentences end).
 */
export function sentenceGroups(text: string, chars: number, locale?: string): string[] {
  const segmenter = new Intl.Segmenter(locale ? [locale] : [], { granularity: 'sentence' });
  const groups: string[] = [];
  let current = '';
  for (const { segment } of segmenter.segment(text)) {
    for (let at = 0; at < segment.length; at += chars) {
      const piece = segment.slice(at, at + chars);
      if (current && current.length + piece.length > chars) {
        groups.push(current);
        current = '';
      }
      current += piece;
    }
  }
  if (current) groups.push(current);
  return groups;
}

const InlinePieceSchema: v.GenericSchema<InlinePiece> = v.union([
  v.pipe(v.string(), v.maxLength(TRANSLATE_LIMITS.unitChars)),
  v.object({
    slot: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(TRANSLATE_LIMITS.slots)),
    children: v.optional(v.pipe(v.array(v.lazy(() => InlinePieceSchema)), v.maxLength(2 * TRANSLATE_LIMITS.slots + 1))),
  }),
]);

/** Pieces within the unit's bounds: total text, slot count and nesting depth, each slot number once. */
export function piecesWithinLimits(pieces: readonly InlinePiece[]): boolean {
  let chars = 0;
  const seen = new Set<number>();
  const walk = (list: readonly InlinePiece[], depth: number): boolean => {
    if (depth > TRANSLATE_LIMITS.depth) return false;
    for (const piece of list) {
      if (typeof piece === 'string') {
        chars += piece.length;
        continue;
      }
      if (seen.has(piece.slot)) return false;
      seen.add(piece.slot);
      if (piece.children && !walk(piece.children, depth + 1)) return false;
    }
    return true;
  };
  return walk(pieces, 0) && chars <= TRANSLATE_LIMITS.unitChars && seen.size <= TRANSLATE_LIMITS.slots;
}

export const InlinePiecesSchema = v.pipe(
  v.array(InlinePieceSchema),
  v.maxLength(2 * TRANSLATE_LIMITS.slots + 1),
  v.check((pieces: InlinePiece[]) => piecesWithinLimits(pieces), 'A unit is over the size, slot or nesting limit, or names a slot twice.'),
);

/** A BCP 47 language tag as pages and the browser give them ("hi", "pt-BR", "zh-Hant"); empty: not known. */
export const LanguageTagSchema = v.pipe(v.string(), v.maxLength(35), v.regex(/^([A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*)?$/));

/** Terms the user wants left as they are (names, brands, jargon). */
export const GlossarySchema = v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))), v.maxLength(500));

export const TranslateUnitSchema = v.object({
  /** The content script's number for the unit, echoed in every answer about it. */
  id: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 31)),
  pieces: InlinePiecesSchema,
});
export type TranslateUnit = v.InferOutput<typeof TranslateUnitSchema>;

export const TranslateBatchSchema = v.object({
  /** The page's (or the block's) language; empty when not known: the model is then told to detect it. */
  from: LanguageTagSchema,
  to: v.pipe(LanguageTagSchema, v.minLength(2)),
  units: v.pipe(v.array(TranslateUnitSchema), v.minLength(1), v.maxLength(TRANSLATE_LIMITS.batchUnits)),
  /** The user's glossary: terms that pass through untranslated. The worker sets it from the settings; a page cannot. */
  glossary: v.optional(GlossarySchema),
  /**
   * Set by the worker from the sender, never by the page: the site the text is from (cached translations are
   * kept per site, so one page cannot plant a translation another site is later given), and whether the tab is
   * private (nothing is cached then).
   */
  site: v.optional(v.pipe(v.string(), v.maxLength(253))),
  private: v.optional(v.boolean()),
});
export type TranslateBatch = v.InferOutput<typeof TranslateBatchSchema>;

const FailureSchema = v.object({ id: v.number(), reason: v.pipe(v.string(), v.maxLength(300)) });

const TranslateEventSchema = v.variant('type', [
  v.object({ type: v.literal('loading'), fraction: v.pipe(v.number(), v.minValue(0), v.maxValue(1)) }),
  /** One unit done, as soon as it is complete in the stream (or found in the cache). */
  v.object({ type: v.literal('unit'), id: v.number(), pieces: InlinePiecesSchema, cached: v.boolean() }),
]);
export type TranslateEvent = v.InferOutput<typeof TranslateEventSchema>;

export const TranslateBatchResultSchema = v.object({
  /** Units no attempt could translate (each split and retried first), with the reason. */
  failed: v.pipe(v.array(FailureSchema), v.maxLength(TRANSLATE_LIMITS.batchUnits)),
  /**
   * Tokens of the units' own text and of what each prompt added around them (instructions not read from the prefix
   * cache, numbering, the chat template), as the batch was packed: first attempts only, so a unit sent again
   * after a misaligned answer is not counted twice.
   */
  pageTokens: v.number(),
  formatTokens: v.number(),
  /** Over every model call, retries included: prompt tokens fed and those reused from the prefix cache. */
  promptTokens: v.number(),
  reusedTokens: v.number(),
  /** Tokens the model wrote, and model calls made (1 when the batch lined up at once). */
  writtenTokens: v.number(),
  calls: v.number(),
  /** Milliseconds the model spent writing (after its prompt was read), for decode-speed figures. */
  decodeMs: v.number(),
});
export type TranslateBatchResult = v.InferOutput<typeof TranslateBatchResultSchema>;

/** Commands the engine host answers. */
export const translateHostCommands = {
  /** Translates a batch of units: events stream each unit as it is done; units never done are listed as failed. */
  'translate.batch': {
    payload: TranslateBatchSchema,
    result: TranslateBatchResultSchema,
    event: TranslateEventSchema,
  },
  /** Forgets every stored translation. */
  'translate.clear-cache': {
    payload: v.object({}),
    result: v.object({ entries: v.number() }),
    event: v.never(),
  },
} as const;

/** Target languages offered: those the LFM2.5 cards list, and the scripts its vocabulary was tuned for. */
export const TRANSLATE_LANGUAGES = ['en', 'ar', 'zh', 'fr', 'de', 'ja', 'ko', 'es', 'pt', 'it', 'ru', 'hi', 'th', 'vi', 'id', 'tr', 'fa', 'ur', 'he'] as const;

export const TRANSLATE_MODES = ['replace', 'bilingual'] as const;
export type TranslateMode = (typeof TRANSLATE_MODES)[number];

/** Where a tab's translation stands, as its content script reports it. */
export const TranslateStatusSchema = v.object({
  active: v.boolean(),
  from: LanguageTagSchema,
  to: LanguageTagSchema,
  mode: v.picklist(TRANSLATE_MODES),
  /** Units found so far, translated, failed, and waiting (outside the viewport, or queued). */
  found: v.number(),
  done: v.number(),
  failed: v.number(),
  /** The last batch's failure, in words, when one failed. */
  lastError: v.optional(v.pipe(v.string(), v.maxLength(300))),
  /** Set when the engine refused work (`no-model`, `model-downloading`, …): translation waits until started again. */
  stoppedBy: v.optional(v.picklist(ERROR_CODES)),
  /** Main-thread milliseconds spent finding units so far (in slices of a few milliseconds). */
  collectMs: v.number(),
});
export type TranslateStatus = v.InferOutput<typeof TranslateStatusSchema>;

/** What the tab's batches have cost so far, summed from the host's answers (see TranslateBatchResultSchema). */
const TranslateUsageSchema = v.object({
  batches: v.number(),
  formatTokens: v.number(),
  /** Model calls made (0 when the cache answered every unit), and units the cache answered. */
  calls: v.number(),
  cachedUnits: v.number(),
  pageTokens: v.number(),
  promptTokens: v.number(),
  reusedTokens: v.number(),
  writtenTokens: v.number(),
  decodeMs: v.number(),
});
export type TranslateUsage = v.InferOutput<typeof TranslateUsageSchema>;

const TabStatusSchema = v.object({
  tabId: v.number(),
  /** The page's host name, which the site rules name. */
  host: v.pipe(v.string(), v.maxLength(253)),
  /** A PDF in the browser's viewer: its text is out of a content script's reach. */
  pdf: v.boolean(),
  /** The page's language: declared by the page, else detected from its text; empty when neither. */
  pageLanguage: LanguageTagSchema,
  status: v.optional(TranslateStatusSchema),
  usage: v.optional(TranslateUsageSchema),
});

/** Commands a UI makes about translating its window's active tab; the worker answers them. */
export const translateTabCommands = {
  'translate.describe': { payload: v.object({}), result: TabStatusSchema, event: v.never() },
  /** Starts (or retargets) the tab's translation: the viewport first, the rest as the user scrolls, or all now. */
  'translate.start': {
    payload: v.object({ to: v.pipe(LanguageTagSchema, v.minLength(2)), from: v.optional(LanguageTagSchema), mode: v.picklist(TRANSLATE_MODES), wholePage: v.boolean() }),
    result: TabStatusSchema,
    event: v.never(),
  },
  'translate.set-mode': { payload: v.object({ mode: v.picklist(TRANSLATE_MODES) }), result: TabStatusSchema, event: v.never() },
  /** Puts the original text back wherever the page still shows Pagewise's translation, and stops. */
  'translate.restore': { payload: v.object({}), result: TabStatusSchema, event: v.never() },
} as const;

/**
 * The port the worker opens to a tab's content script when the user starts a translation (`chrome.tabs.connect`):
 * the content script asks for batches over it and nothing else; it cannot open one itself.
 */
export const TRANSLATE_PORT = 'pagewise/translate';

export const WorkerToPageSchema = v.variant('kind', [
  v.object({ kind: v.literal('start'), to: v.pipe(LanguageTagSchema, v.minLength(2)), from: v.optional(LanguageTagSchema), mode: v.picklist(TRANSLATE_MODES), wholePage: v.boolean() }),
  v.object({ kind: v.literal('mode'), mode: v.picklist(TRANSLATE_MODES) }),
  v.object({ kind: v.literal('restore') }),
  v.object({ kind: v.literal('unit'), request: v.number(), id: v.number(), pieces: InlinePiecesSchema }),
  v.object({ kind: v.literal('batch-done'), request: v.number(), failed: v.array(FailureSchema) }),
  /** The engine could not take the batch (no model yet, it stopped, cancelled): the page side waits for the user. */
  v.object({ kind: v.literal('batch-error'), request: v.number(), code: v.picklist(ERROR_CODES), message: v.pipe(v.string(), v.maxLength(300)) }),
]);
export type WorkerToPage = v.InferOutput<typeof WorkerToPageSchema>;

export const PageToWorkerSchema = v.variant('kind', [
  v.object({ kind: v.literal('batch'), request: v.pipe(v.number(), v.integer(), v.minValue(0)), batch: TranslateBatchSchema }),
  v.object({ kind: v.literal('cancel'), request: v.number() }),
  v.object({ kind: v.literal('status'), status: TranslateStatusSchema }),
]);
export type PageToWorker = v.InferOutput<typeof PageToWorkerSchema>;
