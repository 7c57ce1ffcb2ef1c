import * as v from 'valibot';
import { WindowScopeSchema } from './window-scope';

/**
 * Form filling. The content script lists the page's fields (ids and the text a person reads for each; the live
 * nodes stay on the page side), the host plans values for them from the user's profile and instruction (rules
 * first, then the model's tool calls, each checked against the list), the side panel shows the plan for the
 * user to accept or reject field by field, and the content script writes what was accepted, re-checking each
 * field just before it does. Nothing here ever submits a form.
 */

export const FILL_LIMITS = {
  /** Fields listed from one page: hundreds, not thousands (a page with more gets the first ones in order). */
  fields: 300,
  /** Characters of one field's texts (label, context, placeholder, name). */
  textChars: 200,
  /** Options of one select or radio group, and characters of each. */
  options: 300,
  optionChars: 120,
  /** Characters of one value written into a field. */
  valueChars: 2000,
  /** The user's instruction. */
  instructionChars: 2000,
} as const;

const Text = v.pipe(v.string(), v.maxLength(FILL_LIMITS.textChars));
export const FieldIdSchema = v.pipe(v.string(), v.regex(/^f\d{1,4}$/));
const FieldValue = v.pipe(v.string(), v.maxLength(FILL_LIMITS.valueChars));

export const FIELD_CONTROLS = ['input', 'textarea', 'select', 'radio-group', 'checkbox'] as const;
export type FieldControl = (typeof FIELD_CONTROLS)[number];

const OptionSchema = v.object({ value: v.pipe(v.string(), v.maxLength(FILL_LIMITS.optionChars)), text: v.pipe(v.string(), v.maxLength(FILL_LIMITS.optionChars)) });

/** One field as the page side lists it: what a person reads for it and what it accepts; never the node. */
export const FormFieldSchema = v.object({
  id: FieldIdSchema,
  control: v.picklist(FIELD_CONTROLS),
  /** The input's type (`text`, `email`, `tel`, `date`, `password`…); for other controls their kind again. */
  type: v.pipe(v.string(), v.maxLength(32)),
  /** The field's own label: `label[for]`, a wrapping label, `aria-labelledby`, `aria-label`, or text just before it. */
  label: Text,
  /** What groups it: the fieldset's legend, else the heading above its form. */
  context: Text,
  placeholder: Text,
  name: Text,
  htmlId: Text,
  /** The `autocomplete` attribute as written, lower-cased. */
  autocomplete: v.pipe(v.string(), v.maxLength(100)),
  required: v.boolean(),
  pattern: v.optional(v.pipe(v.string(), v.maxLength(500))),
  minLength: v.optional(v.number()),
  maxLength: v.optional(v.number()),
  min: v.optional(v.pipe(v.string(), v.maxLength(40))),
  max: v.optional(v.pipe(v.string(), v.maxLength(40))),
  step: v.optional(v.pipe(v.string(), v.maxLength(40))),
  /** A select's or radio group's choices (value and visible text). */
  options: v.optional(v.pipe(v.array(OptionSchema), v.maxLength(FILL_LIMITS.options))),
  /** The value now (a checkbox: "on" when checked, else empty; a select or radio group: the chosen option's value). */
  value: FieldValue,
  /** Someone already typed in it (its value differs from the page's default): Pagewise leaves it alone. */
  typed: v.boolean(),
  /** A password or payment-card field: filled only when the user allows it for this fill. */
  sensitive: v.boolean(),
  /** Fields sharing a `cluster` sit in one small container with one label between them: a split date or phone. */
  cluster: v.pipe(v.number(), v.integer(), v.minValue(0)),
  dir: v.picklist(['ltr', 'rtl']),
});
export type FormField = v.InferOutput<typeof FormFieldSchema>;

export const FormListingSchema = v.object({
  fields: v.pipe(v.array(FormFieldSchema), v.maxLength(FILL_LIMITS.fields)),
  /** The page had more fields than the limit; the rest are not listed and will not be filled. */
  truncated: v.boolean(),
  /** The heading or title of the form the fields belong to, for the prompt and the panel. */
  title: Text,
  /** The page's language (`<html lang>`), empty when it declares none. */
  lang: v.pipe(v.string(), v.maxLength(64)),
  /** Main-thread milliseconds the page side spent listing (what a long form costs the page). */
  collectMs: v.pipe(v.number(), v.minValue(0)),
});
export type FormListing = v.InferOutput<typeof FormListingSchema>;

/** One change to one field on the page: text for inputs, textareas, selects and radio groups (the option's value), `checked` for checkboxes. */
export const FieldWriteSchema = v.union([
  v.object({ id: FieldIdSchema, value: FieldValue }),
  v.object({ id: FieldIdSchema, checked: v.boolean() }),
]);
export type FieldWrite = v.InferOutput<typeof FieldWriteSchema>;

/** What the plan proposes for one field a person sees (a split date or phone is one proposal over its parts). */
export const FillProposalSchema = v.object({
  /** The field the person reads; the first part of a split field. */
  fieldId: FieldIdSchema,
  /** The label to show in the panel. */
  label: Text,
  /** What the panel shows as the value ("3 March 1961", "India", "checked"). */
  shown: FieldValue,
  writes: v.pipe(v.array(FieldWriteSchema), v.minLength(1), v.maxLength(8)),
  source: v.picklist(['profile', 'model']),
  /** A password or card field: applied only with the user's leave for this fill. */
  sensitive: v.boolean(),
});
export type FillProposal = v.InferOutput<typeof FillProposalSchema>;

export const FillRefusalSchema = v.object({
  fieldId: v.optional(FieldIdSchema),
  /** What was asked, as the panel shows it (the call, cut short). */
  asked: v.pipe(v.string(), v.maxLength(300)),
  reason: v.pipe(v.string(), v.maxLength(500)),
});
export type FillRefusal = v.InferOutput<typeof FillRefusalSchema>;

/** The user's profile: kept only in this browser's local extension storage, never synced, shown only in the options page. */
const ProfileText = v.pipe(v.string(), v.maxLength(300));
export const ProfileAddressSchema = v.object({
  label: ProfileText,
  line1: ProfileText,
  line2: ProfileText,
  city: ProfileText,
  region: ProfileText,
  postalCode: ProfileText,
  /** A country name in any language, or an ISO 3166 code. */
  country: ProfileText,
});
export type ProfileAddress = v.InferOutput<typeof ProfileAddressSchema>;

export const ProfileSchema = v.object({
  givenName: ProfileText,
  additionalName: ProfileText,
  familyName: ProfileText,
  email: ProfileText,
  /** As the user writes it, with the country code where they gave one (+91 98765 43210). */
  phone: ProfileText,
  /** YYYY-MM-DD, or empty. */
  birthDate: v.pipe(v.string(), v.regex(/^(\d{4}-\d{2}-\d{2})?$/)),
  organization: ProfileText,
  jobTitle: ProfileText,
  /** The first address is the one used unless the user asks for another. */
  addresses: v.pipe(v.array(ProfileAddressSchema), v.maxLength(10)),
  /** Other dates and numbers the user chose to keep ("Passport number", "Wedding anniversary"). */
  extras: v.pipe(v.array(v.object({ label: ProfileText, value: ProfileText })), v.maxLength(30)),
  notes: v.pipe(v.string(), v.maxLength(4000)),
});
export type Profile = v.InferOutput<typeof ProfileSchema>;

export const EMPTY_PROFILE: Profile = {
  givenName: '',
  additionalName: '',
  familyName: '',
  email: '',
  phone: '',
  birthDate: '',
  organization: '',
  jobTitle: '',
  addresses: [],
  extras: [],
  notes: '',
};

const FillPlanEventSchema = v.variant('type', [
  /** The model is writing (thinking or calls); `step` counts its turns. */
  v.object({ type: v.literal('step'), step: v.number() }),
  v.object({ type: v.literal('proposal'), proposal: FillProposalSchema }),
  v.object({ type: v.literal('refusal'), refusal: FillRefusalSchema }),
]);

const FillPlanSchema = v.object({
  proposals: v.pipe(v.array(FillProposalSchema), v.maxLength(FILL_LIMITS.fields)),
  refused: v.pipe(v.array(FillRefusalSchema), v.maxLength(200)),
  /** What the model asked the user (ask_user), to answer in a new instruction. */
  questions: v.pipe(v.array(v.pipe(v.string(), v.maxLength(500))), v.maxLength(10)),
  /** The model's closing words, plain text. */
  answer: v.pipe(v.string(), v.maxLength(4000)),
  /** Model turns taken; 0 when rules filled everything and no instruction was given. */
  steps: v.number(),
});
export type FillPlan = v.InferOutput<typeof FillPlanSchema>;

/**
 * Per field, what writing did: written (and still holding), refused (with why: nothing changed), wiped (the page
 * cleared or changed it again right after), restored (undo put the earlier value back).
 */
export const FieldOutcomeSchema = v.object({
  id: FieldIdSchema,
  outcome: v.picklist(['written', 'refused', 'wiped', 'restored']),
  reason: v.pipe(v.string(), v.maxLength(500)),
});
export type FieldOutcome = v.InferOutput<typeof FieldOutcomeSchema>;

const TabId = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Answered by the engine host: planning needs the model. */
export const fillHostCommands = {
  'fill.plan': {
    payload: v.object({
      listing: FormListingSchema,
      profile: ProfileSchema,
      instruction: v.pipe(v.string(), v.maxLength(FILL_LIMITS.instructionChars)),
      /** The user allowed password and card fields for this fill. */
      allowSensitive: v.boolean(),
    }),
    result: FillPlanSchema,
    event: FillPlanEventSchema,
  },
} as const;

/** Answered by the service worker, through the content script of the tab the fill started in. */
export const fillTabCommands = {
  /** The fields of the active tab; the tab keeps the nodes, under these ids, until the next listing. */
  'fill.collect': {
    payload: WindowScopeSchema,
    result: v.object({ tabId: TabId, listing: FormListingSchema }),
    event: v.never(),
  },
  /**
   * Marks the fields that have a proposal, each with its number in the panel's list (nothing is written yet); an
   * empty list clears the marks. The values stay in the panel: the page is not shown what the user has not accepted.
   */
  'fill.preview': {
    payload: v.object({ tabId: TabId, marks: v.pipe(v.array(v.object({ fieldId: FieldIdSchema, number: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(FILL_LIMITS.fields)) })), v.maxLength(FILL_LIMITS.fields)) }),
    result: v.object({ shown: v.number() }),
    event: v.never(),
  },
  /** Writes the accepted values; each field is checked again just before. */
  'fill.apply': {
    payload: v.object({ tabId: TabId, writes: v.pipe(v.array(FieldWriteSchema), v.maxLength(FILL_LIMITS.fields * 3)), allowSensitive: v.boolean() }),
    /** `blockedSubmits`: times the page tried to send a form while Pagewise was filling it (each one stopped). */
    result: v.object({ outcomes: v.array(FieldOutcomeSchema), blockedSubmits: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
    event: v.never(),
  },
  /** Puts back every value the last apply changed, where the page has not changed it since. */
  'fill.undo': {
    payload: v.object({ tabId: TabId }),
    result: v.object({ outcomes: v.array(FieldOutcomeSchema), blockedSubmits: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
    event: v.never(),
  },
} as const;
