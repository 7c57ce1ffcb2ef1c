// The kinds of field Pagewise recognises, named after the HTML autocomplete detail tokens so a page's own
// `autocomplete` attribute maps onto them without a table, and so the model reads names it has seen in HTML.

export const FIELD_TYPES = [
  'name',
  'honorific-prefix',
  'given-name',
  'additional-name',
  'family-name',
  'email',
  'tel',
  'tel-country-code',
  'tel-national',
  'tel-area-code',
  'tel-local',
  'tel-local-prefix',
  'tel-local-suffix',
  'street-address',
  'address-line1',
  'address-line2',
  /** City or town. */
  'address-level2',
  /** State, province, region. */
  'address-level1',
  'postal-code',
  /** An ISO 3166 code (a select usually shows names for it). */
  'country',
  /** A country written out, for free-text fields. */
  'country-name',
  'organization',
  /** Job title. */
  'organization-title',
  'sex',
  'bday',
  'bday-day',
  'bday-month',
  'bday-year',
  'username',
  'current-password',
  'new-password',
  'cc-name',
  'cc-number',
  'cc-exp',
  'cc-exp-month',
  'cc-exp-year',
  'cc-csc',
  'one-time-code',
] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

const KNOWN: ReadonlySet<string> = new Set(FIELD_TYPES);

export function isFieldType(token: string): token is FieldType {
  return KNOWN.has(token);
}

/** Secrets and payment data: never filled from the profile, and written only with the user's leave for this fill. */
const SENSITIVE: ReadonlySet<FieldType> = new Set<FieldType>([
  'current-password',
  'new-password',
  'cc-name',
  'cc-number',
  'cc-exp',
  'cc-exp-month',
  'cc-exp-year',
  'cc-csc',
  'one-time-code',
]);

export function isSensitiveType(type: FieldType): boolean {
  return SENSITIVE.has(type);
}

/** Parts of a telephone number, which the HTML spec lets `home`/`work`/`mobile`… qualify (as it does email). */
const CONTACT: ReadonlySet<FieldType> = new Set<FieldType>([
  'email',
  'tel',
  'tel-country-code',
  'tel-national',
  'tel-area-code',
  'tel-local',
  'tel-local-prefix',
  'tel-local-suffix',
]);

export function isContactType(type: FieldType): boolean {
  return CONTACT.has(type);
}

/** A day, month or year of a date, on its own. */
export type DatePart = 'day' | 'month' | 'year';

/** Which part of which date a type names, if it names one. */
export function datePartOfType(type: FieldType): { date: 'bday' | 'cc-exp'; part: DatePart } | undefined {
  switch (type) {
    case 'bday-day':
      return { date: 'bday', part: 'day' };
    case 'bday-month':
      return { date: 'bday', part: 'month' };
    case 'bday-year':
      return { date: 'bday', part: 'year' };
    case 'cc-exp-month':
      return { date: 'cc-exp', part: 'month' };
    case 'cc-exp-year':
      return { date: 'cc-exp', part: 'year' };
    default:
      return undefined;
  }
}
