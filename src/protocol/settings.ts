import * as v from 'valibot';
import { EMPTY_PROFILE, ProfileSchema } from './commands/fill-commands';
import { SummaryOptionsSchema } from './commands/summarize-commands';
import { GlossarySchema, LanguageTagSchema, TRANSLATE_MODES } from './commands/translate-commands';

/** A site as the rules name it: its host name. */
const HostSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(253), v.regex(/^[a-z0-9.-]+$/i));

/**
 * The user's translation choices: the target and display last used, and which pages translate themselves when
 * they load (a language, a site) or never do (a site, which wins over both).
 */
export const TranslateRulesSchema = v.object({
  to: LanguageTagSchema,
  mode: v.picklist(TRANSLATE_MODES),
  alwaysLanguages: v.pipe(v.array(LanguageTagSchema), v.maxLength(100)),
  alwaysSites: v.pipe(v.array(HostSchema), v.maxLength(1000)),
  neverSites: v.pipe(v.array(HostSchema), v.maxLength(1000)),
});
export type TranslateRules = v.InferOutput<typeof TranslateRulesSchema>;
export const NO_TRANSLATE_RULES: TranslateRules = { to: '', mode: 'replace', alwaysLanguages: [], alwaysSites: [], neverSites: [] };

/**
 * Everything Pagewise keeps in `chrome.storage`, by key, with the one schema each value must pass and the value
 * used when it is missing or invalid. The options page writes settings, the worker and the side panel read
 * them; the same schema judges the value on both sides.
 */
/** Tests set the timeout to a few seconds; below that the model would unload between a summary and its follow-up. */
export const IDLE_SECONDS = { min: 5, max: 86_400, default: 300 } as const;

/**
 * While it works, the engine host sends a heartbeat every 10 s and yields between model steps; silence this long
 * means its document hangs (a step that never returns, a renderer stuck in a loop). Tests shorten it, never below
 * one and a half heartbeats.
 */
export const HANG_SECONDS = { min: 15, max: 3600, default: 120 } as const;

/** A hub or mirror address as typed; the store checks it before use (https, or http to this computer). */
export const HubBaseUrlSchema = v.pipe(v.string(), v.maxLength(300));

export const SETTINGS = {
  /** Seconds the engine may sit idle before its offscreen document is closed to give memory back. */
  engineIdleSeconds: {
    schema: v.pipe(v.number(), v.integer(), v.minValue(IDLE_SECONDS.min), v.maxValue(IDLE_SECONDS.max)),
    fallback: IDLE_SECONDS.default as number,
  },
  /** Seconds the engine host may go silent while working before the worker closes it and fails its requests. */
  engineHangSeconds: {
    schema: v.pipe(v.number(), v.integer(), v.minValue(HANG_SECONDS.min), v.maxValue(HANG_SECONDS.max)),
    fallback: HANG_SECONDS.default as number,
  },
  /** The hub or mirror models download from; empty means huggingface.co. The store checks it again before use. */
  hubBaseUrl: {
    schema: HubBaseUrlSchema,
    fallback: '',
  },
  /** Target, display, and the always / never rules for page translation. */
  translateRules: {
    schema: TranslateRulesSchema,
    fallback: NO_TRANSLATE_RULES,
  },
  /** The popup's last translation choices, offered again next time (the rules keep a target of their own). */
  translateChoice: {
    schema: v.object({ to: LanguageTagSchema, mode: v.picklist(TRANSLATE_MODES) }),
    fallback: undefined,
  },
  /** Terms page translation leaves untouched. */
  translateGlossary: {
    schema: GlossarySchema,
    fallback: [] as string[],
  },
  /**
   * The user's details for filling forms. Local storage only (never `storage.sync`), which the worker restricts
   * to Pagewise's own pages: content scripts and pages cannot read it. Shown only in the options page.
   */
  fillProfile: {
    schema: ProfileSchema,
    fallback: EMPTY_PROFILE,
  },
  /** The side panel's last summary choices (type, length, language, format). */
  summaryOptions: {
    schema: v.omit(SummaryOptionsSchema, ['scope']),
    fallback: undefined,
  },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = v.InferOutput<(typeof SETTINGS)[K]['schema']> | (typeof SETTINGS)[K]['fallback'];

/** The stored value when it passes its schema, else the setting's fallback. */
export function parseSetting<K extends SettingKey>(key: K, stored: unknown): SettingValue<K> {
  const parsed = v.safeParse(SETTINGS[key].schema, stored);
  return parsed.success ? (parsed.output as SettingValue<K>) : SETTINGS[key].fallback;
}

/**
 * A summary asked for from a context menu or the keyboard shortcut, handed from the worker to the side panel
 * through `chrome.storage.session` (extension pages only; never content scripts or pages). The worker must open
 * the panel synchronously in the gesture handler, so it cannot wait for the panel to load; the panel takes the
 * request when it opens, or at once when it is already open.
 */
export const PENDING_SUMMARY_KEY = 'pendingSummary';

export const PendingSummarySchema = v.object({
  scope: v.picklist(['page', 'selection']),
  /** The window whose panel should run it (each window has its own panel). */
  windowId: v.number(),
  /** When it was asked; an old request (the panel never opened) is dropped rather than run by surprise. */
  at: v.number(),
});
export type PendingSummary = v.InferOutput<typeof PendingSummarySchema>;

export const PENDING_SUMMARY_MAX_AGE_MS = 30_000;
