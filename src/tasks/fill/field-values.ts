// Values into fields. `shapeValue` turns a value from the profile or the model into the writes for each part of a
// field, meeting what the field asks (format, size, choices, range), or says in plain words why it cannot: it is
// the check every proposal passes before the person sees it. `profileValue` reads the profile for a kind of field.
//
// Lengths are counted in UTF-16 code units, as browsers count maxlength. Over-long values are refused, never cut.
// The page's `pattern` attribute is never run (a hostile page could hand over a catastrophic regex; the page side
// checks it in the browser); only a plain date pattern is read as text for its format.

import {
  FILL_LIMITS,
  type FieldWrite,
  type FormField,
  type Profile,
  type ProfileAddress,
} from '../../protocol/commands/fill-commands';
import { countryCode, countryName } from './country-codes';
import {
  dateFormatFromPattern,
  datePartText,
  formatDate,
  isoDate,
  readDate,
  readDateFormat,
  saysBuddhistEra,
  monthNumber,
  showDate,
  type DateFormat,
  type SimpleDate,
} from './date-values';
import { asciiDigits } from './field-text';
import { datePartOfType, isSensitiveType, type DatePart, type FieldType } from './field-types';
import { callingCodeHints, divideNumber, fitPhone, readPhone, splitCountryCode, type PhoneRole } from './phone-numbers';
import { choiceKind, findChoice, type ChoiceMatch } from './select-options';
import type { LogicalField } from './split-fields';

export type ShapedValue = { writes: FieldWrite[]; shown: string } | { problem: string };

/** The writes that put `value` into the field, and what the panel shows; or why the field cannot take it. */
export function shapeValue(field: LogicalField, value: string): ShapedValue {
  if (value.length > FILL_LIMITS.valueChars) return { problem: `The value is longer than ${FILL_LIMITS.valueChars} characters.` };
  if (!value.trim()) return { problem: 'No value was given.' };
  if (field.parts.length > 1) {
    return field.roles.some((role) => role === 'day' || role === 'month' || role === 'year') ? splitDate(field, value) : splitPhone(field, value);
  }
  const part = field.parts[0]!;
  switch (part.control) {
    case 'checkbox':
      return checkbox(part, value);
    case 'select':
    case 'radio-group':
      return choose(field, part, value);
    case 'textarea':
      return plainText(part, value, true);
    case 'input':
      return input(field, part, value);
  }
}

/** How the panel and refusals name a field. */
function nameOf(field: LogicalField | FormField): string {
  if ('parts' in field) return field.label || nameOf(field.parts[0]!);
  return field.label || field.placeholder || field.name || 'this field';
}

const write = (part: FormField, value: string): FieldWrite => ({ id: part.id, value });
const limit = (n: number | undefined): number | undefined => (n === undefined || n < 0 ? undefined : n);

/** Length rules as the browser counts them (UTF-16 code units). */
function lengthProblem(part: FormField, text: string): string | undefined {
  const max = limit(part.maxLength);
  if (max !== undefined && text.length > max) return `The field takes at most ${max} characters.`;
  const min = limit(part.minLength);
  if (min !== undefined && min > 0 && text.length < min) return `The field needs at least ${min} characters.`;
  return undefined;
}

function plainText(part: FormField, value: string, multiline: boolean): ShapedValue {
  // A one-line box drops line breaks when typed into; an address given on lines is joined with commas instead.
  const text = multiline ? value.trim() : value.trim().replace(/\s*[\r\n]+\s*/g, ', ');
  const problem = lengthProblem(part, text);
  return problem ? { problem } : { writes: [write(part, text)], shown: text };
}

// ---- checkboxes and lists ---------------------------------------------------------------------------------------

const YES = /^(?:yes|y|true|on|checked|check|tick|1|x|हाँ|हां|जी हाँ|ใช่|نعم|s[ií]|oui|ja|sim)$/iu;
const NO = /^(?:no|n|false|off|unchecked|uncheck|untick|0|नहीं|ไม่|ไม่ใช่|لا|non|nein|não|nao)$/iu;

function checkbox(part: FormField, value: string): ShapedValue {
  const text = value.trim();
  if (YES.test(text)) return { writes: [{ id: part.id, checked: true }], shown: 'checked' };
  if (NO.test(text)) return { writes: [{ id: part.id, checked: false }], shown: 'not checked' };
  return { problem: `A checkbox is checked or not; '${text}' says neither.` };
}

function listMatch(type: FieldType | undefined, part: FormField): ChoiceMatch {
  const date = type ? datePartOfType(type) : undefined;
  if (date) return date.part;
  switch (type) {
    case 'country':
    case 'country-name':
      return 'country';
    case 'tel-country-code':
      return 'calling-code';
    case 'sex':
      return 'sex';
    default: {
      const kind = choiceKind(part.options ?? []);
      return kind && kind !== 'honorific' ? kind : 'text';
    }
  }
}

function choose(field: LogicalField, part: FormField, value: string): ShapedValue {
  const how = listMatch(field.type, part);
  let wanted = value.trim();
  // A whole date offered to a day, month or year list gives that part.
  if (how === 'day' || how === 'month' || how === 'year') {
    const reading = readDate(wanted, { monthOnly: how !== 'day', twoDigitYears: field.type?.startsWith('cc-exp') });
    if ('date' in reading) wanted = String(how === 'day' ? reading.date.day : how === 'month' ? reading.date.month : reading.date.year);
  }
  const found = findChoice(part.options ?? [], wanted, how);
  if (!found) return { problem: `There is no option like '${value.trim()}' in '${nameOf(field)}'.` };
  return { writes: [write(part, found.value)], shown: found.text.trim() || found.value };
}

// ---- inputs -----------------------------------------------------------------------------------------------------

const PHONE_TYPES = new Set<FieldType>(['tel', 'tel-national', 'tel-country-code', 'tel-area-code', 'tel-local', 'tel-local-prefix', 'tel-local-suffix']);

function input(field: LogicalField, part: FormField, value: string): ShapedValue {
  switch (part.type) {
    case 'date':
      return dateBox(part, value, false);
    case 'month':
      return dateBox(part, value, true);
    case 'week':
    case 'time':
    case 'datetime-local':
      return clockBox(part, value);
    case 'number':
    case 'range':
      return numberBox(part, value);
    case 'email':
      return emailBox(part, value);
    case 'tel':
      return phoneBox(field, part, value);
    case 'color':
    case 'file':
    case 'hidden':
    case 'image':
    case 'submit':
    case 'reset':
    case 'button':
    case 'checkbox':
    case 'radio':
      return { problem: 'Pagewise does not fill this kind of field.' };
  }
  if (field.type && PHONE_TYPES.has(field.type) && field.confidence === 'certain') return phoneBox(field, part, value);
  const date = field.type ? datePartOfType(field.type) : undefined;
  if (date) return datePartBox(field, part, value, date.part);
  const format = textDateFormat(field, part);
  if (format) return textDate(field, part, value, format);
  return plainText(part, value, false);
}

function emailBox(part: FormField, value: string): ShapedValue {
  const text = value.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(text)) return { problem: `'${text}' is not an email address.` };
  const problem = lengthProblem(part, text);
  return problem ? { problem } : { writes: [write(part, text)], shown: text };
}

function numberBox(part: FormField, value: string): ShapedValue {
  const text = asciiDigits(value.trim());
  if (!/^[-+]?\d+(?:\.\d+)?$/.test(text)) return { problem: `'${value.trim()}' is not a number.` };
  const number = Number(text);
  const min = part.min !== undefined && part.min !== '' ? Number(part.min) : undefined;
  const max = part.max !== undefined && part.max !== '' ? Number(part.max) : undefined;
  if (min !== undefined && Number.isFinite(min) && number < min) return { problem: `The field takes numbers from ${min}${max !== undefined ? ` to ${max}` : ' up'}.` };
  if (max !== undefined && Number.isFinite(max) && number > max) return { problem: `The field takes numbers up to ${max}.` };
  const step = part.step !== undefined && part.step !== 'any' && part.step !== '' ? Number(part.step) : undefined;
  if (step !== undefined && Number.isFinite(step) && step > 0) {
    const steps = (number - (min !== undefined && Number.isFinite(min) ? min : 0)) / step;
    if (Math.abs(steps - Math.round(steps)) > 1e-9) return { problem: `The field takes steps of ${step}.` };
  }
  return { writes: [write(part, text.replace(/^\+/, ''))], shown: text.replace(/^\+/, '') };
}

/** min and max of date boxes are ISO strings, which compare as text. */
function rangeProblem(part: FormField, iso: string): string | undefined {
  if (part.min && /^\d{4}-\d{2}/.test(part.min) && iso < part.min) return `The date must be on or after ${part.min}.`;
  if (part.max && /^\d{4}-\d{2}/.test(part.max) && iso > part.max) return `The date must be on or before ${part.max}.`;
  return undefined;
}

function dateBox(part: FormField, value: string, monthOnly: boolean): ShapedValue {
  const reading = readDate(value, { monthOnly });
  if ('problem' in reading) return reading;
  const iso = isoDate(reading.date);
  const problem = rangeProblem(part, iso);
  return problem ? { problem } : { writes: [write(part, iso)], shown: showDate(reading.date) };
}

function clockBox(part: FormField, value: string): ShapedValue {
  const text = asciiDigits(value.trim());
  let out: string | undefined;
  if (part.type === 'time') {
    const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
    if (match && Number(match[1]) < 24 && Number(match[2]) < 60) out = `${match[1]!.padStart(2, '0')}:${match[2]}${match[3] ? `:${match[3]}` : ''}`;
  } else if (part.type === 'week') {
    const match = /^(\d{4})-?w(\d{2})$/i.exec(text);
    if (match && Number(match[2]) >= 1 && Number(match[2]) <= 53) out = `${match[1]}-W${match[2]}`;
  } else {
    const match = /^(\d{4}-\d{2}-\d{2})[t ](\d{2}:\d{2})(?::\d{2})?$/i.exec(text);
    if (match && 'date' in readDate(match[1]!)) out = `${match[1]}T${match[2]}`;
  }
  if (!out) return { problem: `'${value.trim()}' is not in the form the field takes (${part.type === 'time' ? 'HH:MM' : part.type === 'week' ? 'YYYY-Www' : 'YYYY-MM-DDTHH:MM'}).` };
  if (part.min && out < part.min) return { problem: `The field takes values from ${part.min}.` };
  if (part.max && out > part.max) return { problem: `The field takes values up to ${part.max}.` };
  return { writes: [write(part, out)], shown: out };
}

/** A card's expiry in a text box: MM/YY unless the box says otherwise (4 characters: MMYY; 7: MM/YYYY). */
function cardExpiryFormat(part: FormField): DateFormat {
  const max = limit(part.maxLength);
  return { order: ['month', 'year'], separator: max === 4 ? '' : '/', pad: true, yearDigits: max !== undefined && max >= 7 ? 4 : 2, monthAbbreviated: false, buddhist: false };
}

function textDateFormat(field: LogicalField, part: FormField): DateFormat | undefined {
  const asked = readDateFormat(part.placeholder, part.label) ?? dateFormatFromPattern(part.pattern);
  if (asked) return { ...asked, buddhist: asked.buddhist || saysBuddhistEra(part.context) };
  if (field.type === 'cc-exp') return cardExpiryFormat(part);
  if (field.type === 'bday') return readDateFormat(part.context);
  return undefined;
}

function orderOf(format: { order: readonly DatePart[] }): 'day-first' | 'month-first' | undefined {
  const day = format.order.indexOf('day');
  const month = format.order.indexOf('month');
  if (day < 0 || month < 0) return undefined;
  return day < month ? 'day-first' : 'month-first';
}

function textDate(field: LogicalField, part: FormField, value: string, format: DateFormat): ShapedValue {
  const reading = readDate(value, { monthOnly: !format.order.includes('day'), twoDigitYears: field.type === 'cc-exp', numericOrder: orderOf(format) });
  if ('problem' in reading) return reading;
  const text = formatDate(reading.date, format);
  const problem = lengthProblem(part, text);
  return problem ? { problem } : { writes: [write(part, text)], shown: showDate(reading.date) };
}

/** One part of a date in its own box or list, written as that box shows it (zero-padded to its size, 2 or 4 digit years). */
function datePartWrite(part: FormField, role: DatePart, date: SimpleDate, buddhist: boolean, groupName: string): FieldWrite | { problem: string } {
  if (part.control === 'select' || part.control === 'radio-group') {
    const number = role === 'day' ? date.day! : role === 'month' ? date.month : date.year;
    const found = findChoice(part.options ?? [], String(number), role);
    if (!found) return { problem: `There is no option like '${number}' in '${part.label || groupName}'.` };
    return write(part, found.value);
  }
  const token = part.placeholder.trim().toLowerCase();
  const max = limit(part.maxLength);
  const text = datePartText(date, role, {
    pad: max !== 1 && token !== 'd' && token !== 'm',
    yearDigits: role === 'year' && (max === 2 || token === 'yy' || token === 'aa') ? 2 : 4,
    buddhist,
    monthAbbreviated: role === 'month' && (token === 'mmm' || token === 'mon'),
  });
  if (max !== undefined && text.length > max) return { problem: `'${part.label || groupName}' takes at most ${max} characters.` };
  return write(part, text);
}

/** A whole date, or just the part's number or month name ("3", "03", "March", "1961"), as a date to take the part from. */
function readPart(value: string, role: DatePart, card: boolean): SimpleDate | undefined {
  const reading = readDate(value, { monthOnly: role !== 'day', twoDigitYears: card });
  if ('date' in reading) return reading.date;
  const text = asciiDigits(value.trim());
  const number = /^\d{1,4}$/.test(text) ? Number(text) : role === 'month' ? monthNumber(text) : undefined;
  if (number === undefined) return undefined;
  if (role === 'day') return number >= 1 && number <= 31 ? { year: 2000, month: 1, day: number } : undefined;
  if (role === 'month') return number >= 1 && number <= 12 ? { year: 2000, month: number, day: 1 } : undefined;
  const year = text.length === 4 ? number : card && text.length === 2 ? 2000 + number : undefined;
  return year === undefined ? undefined : { year: year >= 2400 ? year - 543 : year, month: 1, day: 1 };
}

function datePartBox(field: LogicalField, part: FormField, value: string, role: DatePart): ShapedValue {
  const date = readPart(value, role, Boolean(field.type?.startsWith('cc-exp')));
  if (!date) return { problem: `'${value.trim()}' is not a ${role} '${nameOf(field)}' can take.` };
  const written = datePartWrite(part, role, date, saysBuddhistEra(part.label, part.placeholder, part.context), nameOf(field));
  if ('problem' in written) return written;
  return { writes: [written], shown: 'value' in written ? written.value : '' };
}

function splitDate(field: LogicalField, value: string): ShapedValue {
  const texts = field.parts.flatMap((part) => [part.label, part.placeholder, part.context]);
  const hint = readDateFormat(...texts);
  const reading = readDate(value, {
    monthOnly: !field.roles.includes('day'),
    twoDigitYears: field.type === 'cc-exp',
    numericOrder: hint ? orderOf(hint) : undefined,
  });
  if ('problem' in reading) return reading;
  const buddhist = saysBuddhistEra(...texts);
  const writes: FieldWrite[] = [];
  for (const [i, part] of field.parts.entries()) {
    const written = datePartWrite(part, field.roles[i] as DatePart, reading.date, buddhist, nameOf(field));
    if ('problem' in written) return written;
    writes.push(written);
  }
  return { writes, shown: showDate(reading.date) };
}

// ---- phones -----------------------------------------------------------------------------------------------------

function phoneBox(field: LogicalField, part: FormField, value: string): ShapedValue {
  const hints = callingCodeHints(part.label, part.placeholder, part.context);
  const max = limit(part.maxLength);
  if (field.type === 'tel-country-code' || field.type === 'tel-national') {
    const phone = readPhone(value);
    if ('problem' in phone) return phone;
    const split = splitCountryCode(phone, hints, field.type === 'tel-national' ? max : undefined);
    if ('problem' in split) return split;
    let text: string;
    if (field.type === 'tel-national') text = split.national;
    else {
      const code = split.countryCode ?? (phone.countryCode === undefined && !phone.joined ? phone.national : undefined);
      if (!code) return { problem: 'No country code was given.' };
      text = max !== undefined && max <= code.length ? code : `+${code}`;
    }
    const problem = lengthProblem(part, text);
    return problem ? { problem } : { writes: [write(part, text)], shown: text };
  }
  const fitted = fitPhone(value, max, hints, /^0[\dx]/i.test(part.placeholder.trim()));
  if (typeof fitted !== 'string') return fitted;
  const problem = lengthProblem(part, fitted);
  return problem ? { problem } : { writes: [write(part, fitted)], shown: fitted };
}

function splitPhone(field: LogicalField, value: string): ShapedValue {
  const roles = field.roles as PhoneRole[];
  const sizes = field.parts.map((part) => (part.control === 'select' ? undefined : limit(part.maxLength)));
  const hints = callingCodeHints(...field.parts.filter((part) => part.control !== 'select').flatMap((part) => [part.label, part.placeholder, part.context]));
  const pieces = divideNumber(value, roles, sizes, hints);
  if (!Array.isArray(pieces)) return pieces;
  const writes: FieldWrite[] = [];
  for (const [i, part] of field.parts.entries()) {
    const piece = pieces[i];
    if (piece === undefined) continue;
    if (roles[i] === 'country-code') {
      if (part.control === 'select') {
        const found = findChoice(part.options ?? [], `+${piece}`, 'calling-code');
        if (!found) return { problem: `There is no option like '+${piece}' in '${part.label || nameOf(field)}'.` };
        writes.push(write(part, found.value));
      } else {
        const max = limit(part.maxLength);
        writes.push(write(part, max !== undefined && max <= piece.length ? piece : `+${piece}`));
      }
      continue;
    }
    writes.push(write(part, piece));
  }
  if (writes.length === 0) return { problem: 'The number could not be divided among the boxes.' };
  return { writes, shown: value.trim() };
}

// ---- the profile ------------------------------------------------------------------------------------------------

/** Scripts whose names are written family name first (Chinese, Japanese, Korean); Han and kana without a space. */
const FAMILY_FIRST = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const NO_SPACE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function fullName(profile: Profile): string {
  const given = [profile.givenName, profile.additionalName].map((part) => part.trim()).filter(Boolean);
  const family = profile.familyName.trim();
  const all = `${given.join('')}${family}`;
  if (FAMILY_FIRST.test(all)) return [family, ...given].filter(Boolean).join(NO_SPACE.test(all) ? '' : ' ');
  return [...given, family].filter(Boolean).join(' ');
}

/**
 * The profile's value for a kind of field, from `address` or else the first saved address; undefined when the
 * profile has none. Never a password, card or code: the profile holds none.
 */
export function profileValue(type: FieldType, profile: Profile, address?: ProfileAddress): string | undefined {
  if (isSensitiveType(type)) return undefined;
  const place = address ?? profile.addresses[0];
  const some = (text: string | undefined): string | undefined => (text && text.trim() ? text.trim() : undefined);
  const birth = /^(\d{4})-(\d{2})-(\d{2})$/.exec(profile.birthDate);
  switch (type) {
    case 'name':
      return some(fullName(profile));
    case 'given-name':
      return some(profile.givenName);
    case 'additional-name':
      return some(profile.additionalName);
    case 'family-name':
      return some(profile.familyName);
    case 'email':
      return some(profile.email);
    case 'tel':
      return some(profile.phone);
    case 'tel-country-code':
    case 'tel-national':
    case 'tel-area-code':
    case 'tel-local':
    case 'tel-local-prefix':
    case 'tel-local-suffix':
      return phonePiece(type, profile.phone);
    case 'street-address':
      return some([place?.line1, place?.line2].map((line) => line?.trim()).filter(Boolean).join('\n'));
    case 'address-line1':
      return some(place?.line1);
    case 'address-line2':
      return some(place?.line2);
    case 'address-level2':
      return some(place?.city);
    case 'address-level1':
      return some(place?.region);
    case 'postal-code':
      return some(place?.postalCode);
    case 'country': {
      const written = some(place?.country);
      return written ? (countryCode(written) ?? written) : undefined;
    }
    case 'country-name': {
      const written = some(place?.country);
      if (!written) return undefined;
      // A code the user typed ("IN") is written out; a name stays in the user's own words.
      return /^[a-z]{2,3}$/i.test(written) ? (countryName(countryCode(written) ?? written) ?? written) : written;
    }
    case 'organization':
      return some(profile.organization);
    case 'organization-title':
      return some(profile.jobTitle);
    case 'bday':
      return birth ? profile.birthDate : undefined;
    case 'bday-day':
      return birth ? String(Number(birth[3])) : undefined;
    case 'bday-month':
      return birth ? String(Number(birth[2])) : undefined;
    case 'bday-year':
      return birth ? birth[1] : undefined;
    default:
      return undefined;
  }
}

/** A piece of the profile's phone; area code, prefix and suffix only for ten-digit national numbers (North America's 3/3/4). */
function phonePiece(type: FieldType, phone: string): string | undefined {
  if (!phone.trim()) return undefined;
  const read = readPhone(phone);
  if ('problem' in read || read.joined) return undefined;
  const national = read.national;
  switch (type) {
    case 'tel-country-code':
      return read.countryCode ? `+${read.countryCode}` : undefined;
    case 'tel-national':
      return national || undefined;
    default:
      break;
  }
  if (national.length !== 10) return undefined;
  switch (type) {
    case 'tel-area-code':
      return national.slice(0, 3);
    case 'tel-local':
      return national.slice(3);
    case 'tel-local-prefix':
      return national.slice(3, 6);
    case 'tel-local-suffix':
      return national.slice(6);
    default:
      return undefined;
  }
}
