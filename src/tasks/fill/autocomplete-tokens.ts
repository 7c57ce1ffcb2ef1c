// Reads an `autocomplete` attribute the way the HTML spec's "autofill detail tokens" grammar does:
//   [section-*] [shipping|billing] [home|work|mobile|fax|pager  (before a contact field only)] field [webauthn]
// Anything else is not a valid value and says nothing (browsers then ignore the attribute too).

import { isContactType, isFieldType, type FieldType } from './field-types';

/** Every field name the spec defines, so that a valid attribute naming one we do not fill is told apart from junk. */
const SPEC_FIELDS = new Set([
  'name', 'honorific-prefix', 'given-name', 'additional-name', 'family-name', 'honorific-suffix', 'nickname',
  'username', 'new-password', 'current-password', 'one-time-code', 'organization-title', 'organization',
  'street-address', 'address-line1', 'address-line2', 'address-line3', 'address-level4', 'address-level3',
  'address-level2', 'address-level1', 'country', 'country-name', 'postal-code', 'cc-name', 'cc-given-name',
  'cc-additional-name', 'cc-family-name', 'cc-number', 'cc-exp', 'cc-exp-month', 'cc-exp-year', 'cc-csc',
  'cc-type', 'transaction-currency', 'transaction-amount', 'language', 'bday', 'bday-day', 'bday-month',
  'bday-year', 'sex', 'url', 'photo',
]);
const SPEC_CONTACT_FIELDS = new Set([
  'tel', 'tel-country-code', 'tel-national', 'tel-area-code', 'tel-local', 'tel-local-prefix', 'tel-local-suffix',
  'tel-extension', 'email', 'impp',
]);
const CONTACT_KINDS = new Set(['home', 'work', 'mobile', 'fax', 'pager']);

export interface AutocompleteInfo {
  /** The field name as written (`given-name`, `tel-extension`, `url`…). */
  field: string;
  /** What Pagewise fills for it; undefined for fields it does not know (`nickname`, `tel-extension`…). */
  type: FieldType | undefined;
  section: string;
  mode: 'shipping' | 'billing' | undefined;
  contact: 'home' | 'work' | 'mobile' | 'fax' | 'pager' | undefined;
}

/** The attribute's meaning, or undefined for empty, `on`, `off` and anything that breaks the grammar. */
export function parseAutocomplete(attribute: string): AutocompleteInfo | undefined {
  const tokens = attribute.toLowerCase().split(/[\t\n\f\r ]+/).filter(Boolean);
  if (tokens.at(-1) === 'webauthn') tokens.pop();
  const field = tokens.pop();
  if (field === undefined || field === 'on' || field === 'off') return undefined;
  const isContact = SPEC_CONTACT_FIELDS.has(field);
  if (!isContact && !SPEC_FIELDS.has(field)) return undefined;
  let contact: AutocompleteInfo['contact'];
  if (isContact && tokens.length > 0 && CONTACT_KINDS.has(tokens.at(-1)!)) contact = tokens.pop() as AutocompleteInfo['contact'];
  let mode: AutocompleteInfo['mode'];
  if (tokens.at(-1) === 'shipping' || tokens.at(-1) === 'billing') mode = tokens.pop() as AutocompleteInfo['mode'];
  let section = '';
  if (tokens.length > 0 && tokens.at(-1)!.startsWith('section-')) section = tokens.pop()!;
  if (tokens.length > 0) return undefined;
  const type = isFieldType(field) ? field : undefined;
  // A fax or pager number is not the person's telephone, though the field name is `tel`.
  if (type && isContactType(type) && (contact === 'fax' || contact === 'pager')) return { field, type: undefined, section, mode, contact };
  return { field, type, section, mode, contact };
}
