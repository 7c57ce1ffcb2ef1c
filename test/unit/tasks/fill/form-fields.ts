// Builders for listed fields as the page side would send them, so tests read like the forms they describe.

import type { FormField } from '../../../../src/protocol/commands/fill-commands';

let next = 0;
let cluster = 1000;

/** A text box with nothing said about it, then what the test says. Each field gets its own cluster unless given one. */
export function field(over: Partial<FormField> = {}): FormField {
  next++;
  return {
    id: `f${next}`,
    control: 'input',
    type: 'text',
    label: '',
    context: '',
    placeholder: '',
    name: '',
    htmlId: '',
    autocomplete: '',
    required: false,
    value: '',
    typed: false,
    sensitive: false,
    cluster: cluster++,
    dir: 'ltr',
    ...over,
  };
}

export function select(label: string, options: Array<{ value: string; text: string }>, over: Partial<FormField> = {}): FormField {
  return field({ control: 'select', type: 'select', label, options, ...over });
}

/** Fields sharing one small container (a split date or phone). */
export function together(...fields: FormField[]): FormField[] {
  const shared = cluster++;
  return fields.map((f) => ({ ...f, cluster: shared }));
}


export const PROMPT = { value: '', text: 'Select…' };
export const DAYS = Array.from({ length: 31 }, (_, i) => ({ value: String(i + 1).padStart(2, '0'), text: String(i + 1) }));
export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'].map(
  (text, i) => ({ value: String(i + 1), text }),
);
export const YEARS = Array.from({ length: 90 }, (_, i) => ({ value: String(2025 - i), text: String(2025 - i) }));

/** A country list as many sites have it: names shown, ISO codes as values, a prompt first. */
export const COUNTRIES_BY_CODE = [
  PROMPT,
  ...['AF', 'AU', 'BR', 'CA', 'CN', 'DE', 'EG', 'FR', 'GB', 'IN', 'ID', 'IT', 'JP', 'MX', 'NG', 'PK', 'RU', 'SA', 'TH', 'AE', 'US', 'VN'].map((code) => ({
    value: code,
    text: new Intl.DisplayNames(['en'], { type: 'region' }).of(code)!,
  })),
];
/** A country list with names as values too, using ISO's long names ("United States of America"). */
export const COUNTRIES_BY_NAME = [
  { value: '0', text: '-- Select country --' },
  ...['Afghanistan', 'Australia', 'Brazil', 'Canada', 'China', 'Egypt', 'France', 'Germany', 'India', 'Indonesia', 'Italy', 'Japan', 'Mexico',
    'Nigeria', 'Pakistan', 'Russian Federation', 'Saudi Arabia', 'Thailand', 'United Arab Emirates', 'United Kingdom of Great Britain and Northern Ireland',
    'United States of America', 'Viet Nam', 'Korea, Republic of'].map((name) => ({ value: name, text: name })),
];
