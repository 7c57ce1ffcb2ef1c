// Fields as a person sees them. A date of birth in three boxes (or three selects) and a phone number in three
// boxes are each one field to fill, with one value divided among the parts; everything else is one field of one
// part. Parts must be consecutive and share the page side's `cluster` (one small container under one label), and
// must say which part they are: by autocomplete (bday-day, tel-area-code…), by their choices (1–31, twelve
// months, years, dialling codes), by their own short texts (DD, MM, YYYY, दिन, माह, वर्ष, วว, ดด, ปปปป), by names
// (dob_day), or by their sizes under one label (2/2/4 with a DD/MM/YYYY hint; 3/3/4 under "Phone").

import type { FormField } from '../../protocol/commands/fill-commands';
import { classifyField, type Classification, type Confidence } from './field-classifier';
import { attributeWords, readable } from './field-text';
import { datePartOfType, type DatePart, type FieldType } from './field-types';
import { BIRTH_WORDS, CARD_WORDS, DAY_WORDS, EXPIRY_WORDS, MONTH_WORDS, PHONE_WORDS, YEAR_WORDS } from './field-words';
import { datePartToken, readDateFormat } from './date-values';
import { choiceKind } from './select-options';

/** What a part holds of its field's value. */
export type PartRole =
  | 'whole'
  | 'day'
  | 'month'
  | 'year'
  | 'country-code'
  | 'national'
  | 'area-code'
  | 'local'
  | 'prefix'
  | 'suffix';

export interface LogicalField {
  /** The first part's id: the field the person reads. */
  id: string;
  /** The page's fields that make it up, in page order; one for all but split dates and phones. */
  parts: FormField[];
  /** What each part holds, in the order of `parts`. */
  roles: PartRole[];
  type: FieldType | undefined;
  confidence: Confidence | undefined;
  /** What the panel calls it: the shared label of a split field, else the field's own label or placeholder. */
  label: string;
}

const MAX_PARTS = 4;

/** The page's fields in order, split dates and phones joined into one field each. */
export function groupFields(fields: readonly FormField[]): LogicalField[] {
  const classified = fields.map((field) => classifyField(field));
  const out: LogicalField[] = [];
  let i = 0;
  while (i < fields.length) {
    const run = runAt(fields, i);
    let grouped: LogicalField | undefined;
    for (let length = run; length >= 2 && !grouped; length--) {
      const parts = fields.slice(i, i + length);
      const kinds = classified.slice(i, i + length);
      grouped = asDate(parts, kinds) ?? asPhone(parts, kinds);
    }
    if (grouped) {
      out.push(grouped);
      i += grouped.parts.length;
      continue;
    }
    out.push(single(fields[i]!, classified[i]));
    i++;
  }
  return out;
}

function single(field: FormField, kind: Classification | undefined): LogicalField {
  return { id: field.id, parts: [field], roles: ['whole'], type: kind?.type, confidence: kind?.confidence, label: field.label || field.placeholder };
}

/** How many fields from `start` could be parts of one split field (same cluster, text boxes or selects). */
function runAt(fields: readonly FormField[], start: number): number {
  const first = fields[start]!;
  let end = start;
  while (end < fields.length && end - start < MAX_PARTS && canBePart(fields[end]!) && fields[end]!.cluster === first.cluster) end++;
  return end - start;
}

const PART_INPUT_TYPES = new Set(['text', 'tel', 'number', '', 'search']);

function canBePart(field: FormField): boolean {
  return field.control === 'select' || (field.control === 'input' && PART_INPUT_TYPES.has(field.type));
}

/** The words of one part: its label, placeholder and name/id, normalised. */
function ownWords(field: FormField): string {
  return [readable(field.label), readable(field.placeholder), attributeWords(field.name), attributeWords(field.htmlId)].join(' \n ');
}

/** The label the group shows: the parts' shared label, or their heading when each part has its own ("Day", "Month"). */
function groupLabel(parts: readonly FormField[]): string {
  const labels = [...new Set(parts.map((part) => part.label).filter(Boolean))];
  if (labels.length === 1) return labels[0]!;
  return parts[0]!.context || labels[0] || parts[0]!.placeholder;
}

/** Confidence of a group: certain when every part was classified with certainty, or when the words plainly say so. */
function groupConfidence(kinds: ReadonlyArray<Classification | undefined>, plain: boolean): Confidence {
  return plain || kinds.every((kind) => kind?.confidence === 'certain') ? 'certain' : 'likely';
}

// ---- dates ----------------------------------------------------------------------------------------------------

const PART_BY_WORDS: Array<[RegExp, DatePart]> = [
  [DAY_WORDS, 'day'],
  [MONTH_WORDS, 'month'],
  [YEAR_WORDS, 'year'],
];

/** Which part of a date one box is, from the most reliable sign it gives. */
function datePart(field: FormField, kind: Classification | undefined): DatePart | undefined {
  const typed = kind ? datePartOfType(kind.type) : undefined;
  if (typed) return typed.part;
  if (field.control === 'select') {
    const choices = choiceKind(field.options ?? []);
    if (choices === 'day' || choices === 'month' || choices === 'year') return choices;
  }
  for (const text of [field.placeholder, field.label]) {
    const token = datePartToken(text);
    if (token) return token;
  }
  // Names like dob_day, birthMonth, exp_yy: drop the words for the whole date, keep the part.
  const words = [attributeWords(field.name), attributeWords(field.htmlId), readable(field.label)]
    .join(' \n ')
    .replace(new RegExp(BIRTH_WORDS.source, 'giu'), ' ')
    .replace(new RegExp(EXPIRY_WORDS.source, 'giu'), ' ');
  const found = PART_BY_WORDS.filter(([pattern]) => pattern.test(words)).map(([, part]) => part);
  return found.length === 1 ? found[0] : undefined;
}

function asDate(parts: readonly FormField[], kinds: ReadonlyArray<Classification | undefined>): LogicalField | undefined {
  if (parts.length > 3) return undefined;
  const found = parts.map((part, i) => datePart(part, kinds[i]));
  const known = found.filter(Boolean).length;
  const texts = parts.map((part) => `${ownWords(part)} \n ${readable(part.context)}`).join(' \n ');
  let roles: Array<DatePart | undefined> = found;
  if (known < parts.length) {
    const wanted: DatePart[] = parts.length === 3 ? ['day', 'month', 'year'] : ['month', 'year'];
    const missing = wanted.filter((part) => !found.includes(part));
    if (missing.length === 1 && known >= 1 && known === parts.length - 1) {
      roles = found.map((part) => part ?? missing[0]);
    } else if (parts.length === 3 && known === 0) {
      roles = bySizes(parts) ?? found;
    }
  }
  const set = new Set(roles);
  const complete = parts.length === 3 ? set.size === 3 && !set.has(undefined) : set.size === 2 && set.has('month') && set.has('year');
  if (!complete) return undefined;
  const birth = BIRTH_WORDS.test(texts) || kinds.some((kind) => kind?.type.startsWith('bday'));
  const card = (EXPIRY_WORDS.test(texts) && CARD_WORDS.test(texts)) || kinds.some((kind) => kind?.type.startsWith('cc-exp'));
  // A month and year alone are a card's expiry; of a birth date they are rare enough to leave to the model.
  const type: FieldType | undefined = parts.length === 3 ? (birth ? 'bday' : undefined) : card ? 'cc-exp' : undefined;
  const plain = kinds.every((kind) => kind !== undefined) || (type !== undefined && known === parts.length);
  return {
    id: parts[0]!.id,
    parts: [...parts],
    roles: roles as DatePart[],
    type,
    confidence: type ? groupConfidence(kinds, plain) : undefined,
    label: groupLabel(parts),
  };
}

/** Three unnamed boxes of 2, 2 and 4 characters (or 4, 2, 2) in the order a DD/MM/YYYY-like hint nearby gives. */
function bySizes(parts: readonly FormField[]): DatePart[] | undefined {
  const sizes = parts.map((part) => part.maxLength ?? 0).join(',');
  if (sizes === '4,2,2') return ['year', 'month', 'day'];
  if (sizes !== '2,2,4') return undefined;
  const hint = readDateFormat(...parts.flatMap((part) => [part.label, part.placeholder, part.context]));
  return hint && hint.order.length === 3 && hint.order[2] === 'year' ? hint.order : undefined;
}

// ---- phones ---------------------------------------------------------------------------------------------------

const PHONE_ROLE: Partial<Record<FieldType, PartRole>> = {
  'tel-country-code': 'country-code',
  'tel-national': 'national',
  'tel-area-code': 'area-code',
  'tel-local': 'local',
  'tel-local-prefix': 'prefix',
  'tel-local-suffix': 'suffix',
};

const NANP_ROLES: PartRole[] = ['area-code', 'prefix', 'suffix'];

/** The ways a phone number is split that Pagewise fills. */
const PHONE_SHAPES = ['country-code,national', 'country-code,area-code,local', 'area-code,local', 'area-code,prefix,suffix', 'country-code,area-code,prefix,suffix'];

function phonePart(field: FormField, kind: Classification | undefined): PartRole | undefined {
  const typed = kind ? PHONE_ROLE[kind.type] : undefined;
  if (typed) return typed;
  if (field.control === 'select') return choiceKind(field.options ?? []) === 'calling-code' ? 'country-code' : undefined;
  if (/^\+\s?\d{1,4}$/.test(field.placeholder.trim()) || /^\+\s?\d{1,4}$/.test(field.value.trim())) return 'country-code';
  return undefined;
}

function asPhone(parts: readonly FormField[], kinds: ReadonlyArray<Classification | undefined>): LogicalField | undefined {
  const texts = parts.map((part) => `${ownWords(part)} \n ${readable(part.context)}`).join(' \n ');
  const phone = PHONE_WORDS.test(texts) || parts.some((part) => part.type === 'tel') || kinds.some((kind) => kind?.type.startsWith('tel'));
  if (!phone) return undefined;
  const found = parts.map((part, i) => phonePart(part, kinds[i]));
  const sizes = parts.map((part) => part.maxLength ?? 0);
  let roles = found;
  const open = found.filter((role) => role === undefined).length;
  // Three boxes of 3, 3 and 4 are the North American split whatever the names guess ("phone_prefix" reads as a
  // country code's prefix to the word rules); only an autocomplete token says otherwise.
  const nanp = sizes.join(',') === '3,3,4' && found.every((role, i) => role === undefined || role === NANP_ROLES[i] || kinds[i]?.by !== 'autocomplete');
  if (nanp) {
    roles = NANP_ROLES;
  } else if (open > 0) {
    const rest = sizes.slice(found.lastIndexOf('country-code') + 1);
    const tail = rest.join(',');
    const guess: PartRole[] | undefined =
      tail === '3,3,4' ? ['area-code', 'prefix', 'suffix'] : tail === '3,7' || tail === '3,8' ? ['area-code', 'local'] : rest.length === 1 ? ['national'] : undefined;
    if (!guess) return undefined;
    const head = found.slice(0, found.length - guess.length);
    if (head.some((role) => role !== 'country-code')) return undefined;
    roles = [...head, ...guess].map((role, i) => found[i] ?? role);
  }
  if (!PHONE_SHAPES.includes(roles.join(','))) return undefined;
  const plain = kinds.every((kind) => kind?.confidence === 'certain') || (open > 0 && PHONE_WORDS.test(parts.map((part) => readable(part.label)).join(' ')));
  return {
    id: parts[0]!.id,
    parts: [...parts],
    roles: roles as PartRole[],
    type: 'tel',
    confidence: groupConfidence(kinds, plain),
    label: groupLabel(parts),
  };
}
