// What a listed field is for, before any model sees it. As Firefox and Chrome do: the page's `autocomplete`
// tokens first, then the input's type, then words in its label, placeholder, and name or id, with the group's
// heading qualifying them (a fieldset "Date of birth" around "Day", a "Father's details" legend around "Name").
// What is classified with certainty is filled from the profile at once; a `likely` kind is a hint for the model.

import type { FormField } from '../../protocol/commands/fill-commands';
import { parseAutocomplete } from './autocomplete-tokens';
import { attributeWords, readable } from './field-text';
import { readFieldText, type FieldSignals, type Verdict } from './field-patterns';
import { isSensitiveType, type FieldType } from './field-types';
import { BIRTH_WORDS, CARD_WORDS, EXPIRY_WORDS, NOT_PAYMENT_CARD, OTHER_PERSON, PHONE_WORDS, SIGN_UP_WORDS } from './field-words';
import { choiceKind, type ChoiceKind } from './select-options';

export type Confidence = 'certain' | 'likely';

export interface Classification {
  type: FieldType;
  confidence: Confidence;
  /** What decided: the page's autocomplete tokens, the input's type, the choices of a list, or words. */
  by: 'autocomplete' | 'type' | 'options' | 'pattern';
}

/** The field's texts, each normalised the way it was written: for people, or by a developer. */
interface FieldTexts {
  label: string;
  placeholder: string;
  name: string;
  id: string;
  context: string;
}

function textsOf(field: FormField): FieldTexts {
  return {
    label: readable(field.label),
    placeholder: readable(field.placeholder),
    name: attributeWords(field.name),
    id: attributeWords(field.htmlId),
    context: readable(field.context),
  };
}

function signalsOf(field: FormField, texts: FieldTexts): FieldSignals {
  const own = [texts.label, texts.placeholder, texts.name, texts.id].join(' \n ');
  const all = `${own} \n ${texts.context}`;
  return {
    control: field.control,
    card: CARD_WORDS.test(all) && !NOT_PAYMENT_CARD.test(all),
    birthAround: BIRTH_WORDS.test(texts.context),
    expiryAround: EXPIRY_WORDS.test(texts.context),
    phone: field.type === 'tel' || PHONE_WORDS.test(all),
    signUp: SIGN_UP_WORDS.test(texts.context),
  };
}

/** Kinds a select or radio group can be: a list of words or numbers, never free text. */
const LIST_TYPES = new Set<FieldType>([
  'country', 'address-level1', 'address-level2', 'bday-day', 'bday-month', 'bday-year', 'cc-exp-month', 'cc-exp-year', 'tel-country-code',
  'sex', 'honorific-prefix', 'organization-title',
]);
/** Kinds an `<input type=number>` can hold. */
const NUMBER_TYPES = new Set<FieldType>([
  'tel', 'tel-national', 'tel-area-code', 'tel-local', 'tel-local-prefix', 'tel-local-suffix', 'tel-country-code', 'postal-code', 'bday-day',
  'bday-month', 'bday-year', 'cc-number', 'cc-exp-month', 'cc-exp-year', 'cc-csc', 'one-time-code',
]);
const PASSWORD_TYPES = new Set<FieldType>(['current-password', 'new-password', 'one-time-code', 'cc-number', 'cc-csc']);
/** Details of the person filling: a "Father's details" heading around the field makes them someone else's. */
const PERSONAL_TYPES = new Set<FieldType>([
  'name', 'honorific-prefix', 'given-name', 'additional-name', 'family-name', 'email', 'tel', 'tel-country-code', 'tel-national', 'tel-area-code',
  'tel-local', 'tel-local-prefix', 'tel-local-suffix', 'street-address', 'address-line1', 'address-line2', 'address-level2', 'address-level1',
  'postal-code', 'country', 'country-name', 'organization', 'organization-title', 'sex', 'bday', 'bday-day', 'bday-month', 'bday-year',
]);

/** Whether the control can hold a value of this kind at all (a date box is never a name, a password box never a city). */
function fits(type: FieldType, field: FormField): boolean {
  switch (field.control) {
    case 'checkbox':
      return false;
    case 'select':
    case 'radio-group':
      return LIST_TYPES.has(type);
    case 'textarea':
      return !isSensitiveType(type) && type !== 'username';
    case 'input':
      break;
  }
  switch (field.type) {
    case 'password':
      return PASSWORD_TYPES.has(type);
    case 'email':
      return type === 'email' || type === 'username';
    case 'number':
      return NUMBER_TYPES.has(type);
    case 'date':
      return type === 'bday';
    case 'month':
      return type === 'cc-exp';
    case 'tel':
      return type.startsWith('tel') || NUMBER_TYPES.has(type);
    case 'text':
    case 'search':
    case '':
      return !(type === 'current-password' || type === 'new-password');
    default:
      return false;
  }
}

/** General kinds, and the more precise ones a name or placeholder may narrow them to under a shared label. */
const NARROWER: Partial<Record<FieldType, readonly FieldType[]>> = {
  name: ['given-name', 'additional-name', 'family-name', 'honorific-prefix'],
  tel: ['tel-country-code', 'tel-national', 'tel-area-code', 'tel-local', 'tel-local-prefix', 'tel-local-suffix'],
  'address-line1': ['address-line2', 'address-level2', 'address-level1', 'postal-code'],
  'street-address': ['address-line1', 'address-line2'],
  bday: ['bday-day', 'bday-month', 'bday-year'],
  'cc-exp': ['cc-exp-month', 'cc-exp-year'],
};

/** What a list's choices say it is, given whether the field's words speak of a birth date or a card. */
function fromChoices(kind: ChoiceKind | undefined, signals: FieldSignals, words: string): FieldType | undefined {
  const birth = signals.birthAround || BIRTH_WORDS.test(words);
  const expiry = signals.card && (signals.expiryAround || EXPIRY_WORDS.test(words));
  switch (kind) {
    case 'country':
      return 'country';
    case 'calling-code':
      return 'tel-country-code';
    case 'honorific':
      return 'honorific-prefix';
    case 'sex':
      return 'sex';
    case 'day':
      return birth ? 'bday-day' : undefined;
    case 'month':
      return birth ? 'bday-month' : expiry ? 'cc-exp-month' : undefined;
    case 'year':
      return birth ? 'bday-year' : expiry ? 'cc-exp-year' : undefined;
    default:
      return undefined;
  }
}

/** What the field is for, how sure, and what said so; undefined when nothing says, or when it is somebody else's. */
export function classifyField(field: FormField): Classification | undefined {
  if (field.control === 'checkbox') return undefined;
  const texts = textsOf(field);
  const signals = signalsOf(field, texts);
  const someoneElse = OTHER_PERSON.test(texts.context);
  const decide = (found: Classification | undefined): Classification | undefined =>
    found && fits(found.type, field) && !(someoneElse && PERSONAL_TYPES.has(found.type)) ? found : undefined;

  const auto = parseAutocomplete(field.autocomplete);
  const verdicts = readVerdicts(texts, signals);
  // A label that says the field is somebody else's (a father's name) or not the profile's (a passport number)
  // overrides everything, the page's autocomplete included: such pages often copy autocomplete="name" around.
  if (verdicts.label === 'ignore' || verdicts.placeholder === 'ignore') return undefined;
  // A name or id that says so ("fatherName", "txtPanNo") is heeded too, unless the label plainly says otherwise.
  if (verdicts.attribute === 'ignore' && !(verdicts.label && verdicts.label.strong)) return undefined;
  if (auto?.type && fits(auto.type, field)) return decide({ type: auto.type, confidence: 'certain', by: 'autocomplete' });

  const words = [texts.label, texts.placeholder, texts.name, texts.id].join(' ');
  const pattern = combine(verdicts);
  let listed = field.control === 'select' || field.control === 'radio-group' ? fromChoices(choiceKind(field.options ?? []), signals, words) : undefined;
  // Country lists often show dialling codes too ("India (+91)"): the words say which is meant.
  if (listed === 'tel-country-code' && pattern?.type === 'country' && !signals.phone) listed = 'country';

  if (listed) {
    const agrees = pattern?.type === listed;
    // The choices are facts; words add certainty (and name the list when the choices are plain days or years).
    const plain = listed === 'country' || listed === 'tel-country-code' || listed === 'sex';
    return decide({ type: listed, confidence: agrees || plain ? 'certain' : 'likely', by: 'options' });
  }
  if (field.control === 'input') {
    const byType = fromInputType(field, signals, pattern);
    if (byType) return decide(byType);
  }
  if (!pattern) return undefined;
  // "birthDay" on a box of ten characters is the whole date, not its day.
  if (pattern.type.startsWith('bday-') && field.control === 'input' && (field.maxLength ?? 0) > 4) return decide({ type: 'bday', confidence: 'likely', by: 'pattern' });
  return decide({ type: pattern.type, confidence: pattern.confidence, by: 'pattern' });
}

interface SourceVerdicts {
  label: Verdict | undefined;
  placeholder: Verdict | undefined;
  attribute: Verdict | undefined;
}

function readVerdicts(texts: FieldTexts, signals: FieldSignals): SourceVerdicts {
  const name = readFieldText(texts.name, signals);
  const id = readFieldText(texts.id, signals);
  // Name and id are written by the same developer, usually alike: together they are one source.
  const attribute = name && name !== 'ignore' ? name : id && id !== 'ignore' ? id : name ?? id;
  return { label: readFieldText(texts.label, signals), placeholder: readFieldText(texts.placeholder, signals), attribute };
}

/**
 * One kind from what the label, placeholder and name/id say. The label is what the person reads, so it wins when
 * they disagree, except where the name narrows it under a shared label ("Name" over `first` and `last` boxes).
 * Certain when two sources agree and none disagrees, or when the label's words are unmistakable and nothing disagrees.
 */
function combine(verdicts: SourceVerdicts): { type: FieldType; confidence: Confidence } | undefined {
  const found = (['label', 'placeholder', 'attribute'] as const)
    .map((source) => ({ source, verdict: verdicts[source] }))
    .filter((entry): entry is { source: 'label' | 'placeholder' | 'attribute'; verdict: Exclude<Verdict, 'ignore'> } => entry.verdict !== undefined && entry.verdict !== 'ignore');
  if (found.length === 0) return undefined;
  let chosen = found[0]!;
  for (const other of found.slice(1)) {
    if (NARROWER[chosen.verdict.type]?.includes(other.verdict.type)) chosen = other;
  }
  const type = chosen.verdict.type;
  const agreeing = found.filter((entry) => entry.verdict.type === type);
  const disagreeing = found.filter((entry) => entry.verdict.type !== type && !NARROWER[entry.verdict.type]?.includes(type));
  const unmistakable = chosen.verdict.strong && chosen.source !== 'attribute' && chosen === found[0];
  const certain = disagreeing.length === 0 && (agreeing.length >= 2 || unmistakable);
  return { type, confidence: certain ? 'certain' : 'likely' };
}

/** What an input's type says, with the words' help where the type alone is not enough. */
function fromInputType(
  field: FormField,
  signals: FieldSignals,
  pattern: { type: FieldType; confidence: Confidence } | undefined,
): Classification | undefined {
  switch (field.type) {
    case 'email':
      return { type: 'email', confidence: 'certain', by: 'type' };
    case 'tel':
      // type=tel is also used for numeric keyboards (postcodes, card numbers, codes): the words decide those.
      if (pattern && pattern.type !== 'tel' && fits(pattern.type, field)) return { ...pattern, by: 'pattern' };
      return { type: 'tel', confidence: pattern?.type === 'tel' ? 'certain' : 'likely', by: 'type' };
    case 'password': {
      // "Confirm password" is surely a new one; a bare "Password" only likely the current one.
      if (pattern && fits(pattern.type, field)) return { type: pattern.type, confidence: pattern.confidence, by: 'pattern' };
      return { type: signals.signUp ? 'new-password' : 'current-password', confidence: 'likely', by: 'type' };
    }
    case 'date':
      return pattern?.type === 'bday' || pattern?.type === 'bday-day' || signals.birthAround ? { type: 'bday', confidence: 'certain', by: 'type' } : undefined;
    case 'month':
      return signals.card && (pattern?.type.startsWith('cc-exp') || signals.expiryAround) ? { type: 'cc-exp', confidence: 'certain', by: 'type' } : undefined;
    default:
      return undefined;
  }
}
