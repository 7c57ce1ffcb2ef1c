// Dates as people write them and as fields ask for them. Reading accepts ISO (1961-03-03), day and month names in
// the indexed languages ("3 March 1961", "3 मार्च 1961", "3 มี.ค. 2504", "3 مارس 1961") and numeric dates only when
// they cannot be misread: 03/03/1961 and 13/03/1961 are clear, 05/03/1961 is not (5 March or May 3?) and is
// refused unless day-first is known. Writing follows the field's hint (DD/MM/YYYY, MM/DD/YYYY, दिन/माह/वर्ष,
// วว/ดด/ปปปป with พ.ศ. years…). Month names come from the runtime's CLDR data, as country names do.

import { asciiDigits, folded, readable } from './field-text';
import type { DatePart } from './field-types';

export interface SimpleDate {
  year: number;
  /** 1–12. */
  month: number;
  /** 1–31; absent for a month of a year (a card's expiry, `<input type=month>`). */
  day?: number;
}

export type DateReading = { date: SimpleDate } | { problem: string };

const MONTH_LOCALES = ['en', 'hi', 'th', 'ar', 'ar-SY', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'id', 'ms', 'tr'];
const EXTRA_MONTHS: Record<string, number> = { sept: 9, 'जनवरी': 1, 'फरवरी': 2, 'अगस्त': 8 };

let monthIndex: Map<string, number> | undefined;

/** Folded month name or abbreviation → 1–12, built on first use. English first, so its abbreviations win. */
function months(): Map<string, number> {
  if (monthIndex) return monthIndex;
  monthIndex = new Map(Object.entries(EXTRA_MONTHS));
  for (const locale of MONTH_LOCALES) {
    for (const style of ['long', 'short'] as const) {
      let format: Intl.DateTimeFormat;
      try {
        format = new Intl.DateTimeFormat(locale, { month: style, timeZone: 'UTC' });
      } catch {
        continue;
      }
      for (let month = 1; month <= 12; month++) {
        const key = folded(format.format(Date.UTC(2000, month - 1, 1)));
        if (key && !/^\d+$/.test(key) && !monthIndex.has(key)) monthIndex.set(key, month);
      }
    }
  }
  return monthIndex;
}

/** 1–12 for a month name in any indexed language ("March", "mar", "मार्च", "มี.ค.", "آذار"), else undefined. */
export function monthNumber(text: string): number | undefined {
  return months().get(folded(text));
}

export function monthName(month: number, style: 'long' | 'short' = 'long', locale = 'en'): string {
  return new Intl.DateTimeFormat(locale, { month: style, timeZone: 'UTC' }).format(Date.UTC(2000, month - 1, 1));
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function valid(date: SimpleDate): boolean {
  if (!Number.isInteger(date.year) || date.year < 1000 || date.year > 9999) return false;
  if (!Number.isInteger(date.month) || date.month < 1 || date.month > 12) return false;
  return date.day === undefined || (Number.isInteger(date.day) && date.day >= 1 && date.day <= daysInMonth(date.year, date.month));
}

/** Thai Buddhist-era years (พ.ศ.) are 543 ahead; no one alive was born after 2400 CE, so such a year is one. */
function commonEra(year: number): number {
  return year >= 2400 ? year - 543 : year;
}

export interface DateReadingOptions {
  /** How to read a numeric date whose day and month are both ≤ 12, when the field's own hint says (DD/MM or MM/DD). */
  numericOrder?: 'day-first' | 'month-first';
  /** A two-digit year means 20YY (a card's expiry). Otherwise two-digit years are refused: 61 could be 1961 or 2061. */
  twoDigitYears?: boolean;
  /** Only a month of a year is wanted; a full date is accepted and its day dropped. */
  monthOnly?: boolean;
}

const ORDINAL = /^(\d{1,2})(?:st|nd|rd|th|er|e|º|ª|\.)$/u;
const FILLER = new Set(['of', 'de', 'del', 'the', 'le', 'den', 'der']);

/** Reads a date a person or the model wrote; a problem in plain words when it cannot be read without guessing. */
export function readDate(text: string, options: DateReadingOptions = {}): DateReading {
  // Chinese, Japanese and Korean write 1961年3月9日 / 1961년 3월 9일: the same order as ISO.
  const value = asciiDigits(readable(text)).replace(/^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(?:(\d{1,2})\s*[日일]?)?$/u, (_, y, m, d) => (d ? `${y}-${m}-${d}` : `${y}-${m}`));
  const shown = text.trim();
  const done = (date: SimpleDate): DateReading => {
    const result = options.monthOnly ? { year: date.year, month: date.month } : date;
    if (!valid(result)) return { problem: `'${shown}' is not a real date.` };
    if (!options.monthOnly && result.day === undefined) return { problem: `'${shown}' has no day; the field needs a full date.` };
    return { date: result };
  };
  let match = /^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[t ]\d{1,2}:\d{2}.*)?$/.exec(value);
  if (match) return done({ year: commonEra(Number(match[1])), month: Number(match[2]), day: match[3] === undefined ? undefined : Number(match[3]) });

  match = /^(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$/.exec(value);
  if (match) {
    const [a, b] = [Number(match[1]), Number(match[3])];
    const year = readYear(match[4]!, options);
    if (year === undefined) return { problem: `'${shown}' has a two-digit year; write the year in full (e.g. 19${match[4]} or 20${match[4]}).` };
    let dayFirst: boolean;
    if (a > 12 && b <= 12) dayFirst = true;
    else if (b > 12 && a <= 12) dayFirst = false;
    else if (a === b) dayFirst = true;
    // Dots are the day-first convention everywhere they are used (German, Russian, Turkish…).
    else if (match[2] === '.' || options.numericOrder === 'day-first') dayFirst = true;
    else if (options.numericOrder === 'month-first') dayFirst = false;
    else return { problem: `'${shown}' could be day/month or month/day; write it as ${year}-MM-DD.` };
    return done(dayFirst ? { year, month: b, day: a } : { year, month: a, day: b });
  }

  match = /^(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})$/.exec(value);
  if (match && options.monthOnly) {
    const year = readYear(match[2]!, options);
    if (year === undefined) return { problem: `'${shown}' has a two-digit year; write the year in full.` };
    return done({ year, month: Number(match[1]) });
  }

  return readWordDate(value, shown, options, done);
}

function readYear(digits: string, options: DateReadingOptions): number | undefined {
  if (digits.length === 4) return commonEra(Number(digits));
  return options.twoDigitYears ? 2000 + Number(digits) : undefined;
}

/** "3 March 1961", "March 3, 1961", "3rd of March 1961", "3 มี.ค. 2504", "كانون الثاني 3 1961", "March 1961". */
function readWordDate(value: string, shown: string, options: DateReadingOptions, done: (date: SimpleDate) => DateReading): DateReading {
  const tokens = value.split(/[\s,/-]+/u).filter((token) => token && !FILLER.has(token));
  let month: number | undefined;
  const numbers: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const ordinal = ORDINAL.exec(token);
    if (/^\d+$/.test(token) || ordinal) {
      numbers.push(ordinal ? ordinal[1]! : token);
      continue;
    }
    // Month names of two words ("كانون الثاني") are tried before one.
    const pair = i + 1 < tokens.length ? monthNumber(`${token} ${tokens[i + 1]}`) : undefined;
    const found = pair ?? monthNumber(token);
    if (found === undefined || month !== undefined) return { problem: `'${shown}' is not a date Pagewise can read; write it as YYYY-MM-DD.` };
    month = found;
    if (pair !== undefined) i++;
  }
  if (month === undefined) return { problem: `'${shown}' is not a date Pagewise can read; write it as YYYY-MM-DD.` };
  const years = numbers.filter((n) => n.length === 4);
  const days = numbers.filter((n) => n.length <= 2);
  if (years.length !== 1 || days.length > 1 || years.length + days.length !== numbers.length) {
    return { problem: `'${shown}' is not a date Pagewise can read; write it as YYYY-MM-DD.` };
  }
  return done({ year: commonEra(Number(years[0])), month, day: days.length ? Number(days[0]) : undefined });
}

/** How a text field wants a date written. */
export interface DateFormat {
  /** The parts in the order written: day, month, year (a card's expiry has no day). */
  order: DatePart[];
  separator: string;
  /** Zero-padded day and month (DD, MM) or not (D, M). */
  pad: boolean;
  yearDigits: 2 | 4;
  /** The month as an English abbreviation (DD-MMM-YYYY, common on Indian forms). */
  monthAbbreviated: boolean;
  /** Years of the Thai Buddhist era (พ.ศ.). */
  buddhist: boolean;
}

// Tokens of format hints, longest first so YYYY is not read as YY + YY.
const HINT_TOKENS: Array<[string, DatePart, { pad?: boolean; digits?: 2 | 4; abbreviated?: boolean }]> = [
  ['yyyy', 'year', { digits: 4 }], ['aaaa', 'year', { digits: 4 }], ['jjjj', 'year', { digits: 4 }], ['वववव', 'year', { digits: 4 }],
  ['ปปปป', 'year', { digits: 4 }], ['वर्ष', 'year', { digits: 4 }], ['साल', 'year', { digits: 4 }], ['सन', 'year', { digits: 4 }],
  ['سنة', 'year', { digits: 4 }], ['السنة', 'year', { digits: 4 }], ['year', 'year', { digits: 4 }], ['ปี', 'year', { digits: 4 }],
  ['mmm', 'month', { abbreviated: true }], ['mon', 'month', { abbreviated: true }], ['month', 'month', { pad: true }],
  ['mm', 'month', { pad: true }], ['माह', 'month', { pad: true }], ['महीना', 'month', { pad: true }], ['मास', 'month', { pad: true }],
  ['मम', 'month', { pad: true }], ['ดด', 'month', { pad: true }], ['เดือน', 'month', { pad: true }], ['شهر', 'month', { pad: true }],
  ['الشهر', 'month', { pad: true }], ['dd', 'day', { pad: true }], ['jj', 'day', { pad: true }], ['tt', 'day', { pad: true }],
  ['gg', 'day', { pad: true }], ['दिन', 'day', { pad: true }], ['दद', 'day', { pad: true }], ['วว', 'day', { pad: true }],
  ['วัน', 'day', { pad: true }], ['يوم', 'day', { pad: true }], ['اليوم', 'day', { pad: true }], ['day', 'day', { pad: true }],
  ['yy', 'year', { digits: 2 }], ['aa', 'year', { digits: 2 }], ['m', 'month', { pad: false }], ['d', 'day', { pad: false }],
  ['y', 'year', { digits: 4 }],
];
const TOKEN = HINT_TOKENS.map(([token]) => token).join('|');
const SEP = '\\s*([./-]|\\s)\\s*';
// Boundaries are Latin-only: Thai runs words together ("วัน/เดือน/ปีเกิด") and must still be read.
const HINT = new RegExp(`(?<![a-z])(${TOKEN})${SEP}(${TOKEN})(?:\\s*\\2\\s*(${TOKEN}))?(?![a-z])`, 'iu');
const PACKED = /(?<![a-z])(dd|mm|yyyy|yy)(dd|mm|yyyy|yy)(dd|mm|yyyy|yy)?(?![a-z])/i;
const BUDDHIST = /พ\s*\.?\s*ศ\s*\.?/u;

/** The field counts years in the Thai Buddhist era (its texts say พ.ศ.). */
export function saysBuddhistEra(...texts: string[]): boolean {
  return texts.some((text) => BUDDHIST.test(text));
}

/** The date format a field's texts ask for ("DD/MM/YYYY", "दिन/माह/वर्ष", "วว/ดด/ปปปป (พ.ศ.)"), if they ask clearly. */
export function readDateFormat(...texts: string[]): DateFormat | undefined {
  for (const raw of texts) {
    const text = readable(raw);
    if (!text) continue;
    const match = HINT.exec(text);
    const packed = match ? undefined : PACKED.exec(text);
    const tokens = match ? [match[1], match[3], match[4]] : packed ? [packed[1], packed[2], packed[3]] : [];
    const separator = match ? (match[2] === ' ' || /^\s+$/.test(match[2]!) ? ' ' : match[2]!) : '';
    const format = formatOf(tokens.filter((token): token is string => Boolean(token)), separator, BUDDHIST.test(text) || texts.some((t) => BUDDHIST.test(t)));
    if (format) return format;
  }
  return undefined;
}

function formatOf(tokens: string[], separator: string, buddhist: boolean): DateFormat | undefined {
  if (tokens.length < 2) return undefined;
  const order: DatePart[] = [];
  let pad = true;
  let yearDigits: 2 | 4 = 4;
  let monthAbbreviated = false;
  for (const token of tokens) {
    const entry = HINT_TOKENS.find(([name]) => name === token.toLowerCase());
    if (!entry) return undefined;
    const [, part, how] = entry;
    if (order.includes(part)) return undefined;
    order.push(part);
    if (how.pad === false) pad = false;
    if (how.digits) yearDigits = how.digits;
    if (how.abbreviated) monthAbbreviated = true;
  }
  if (!order.includes('month') || !order.includes('year')) return undefined;
  // Two tokens must be a month of a year (MM/YY); "DD/MM" alone is not a date format.
  return { order, separator, pad, yearDigits, monthAbbreviated, buddhist };
}

/** The part a box's own short text names: "DD", "MM", "YYYY", "दिन", "माह", "वर्ष", "วว", "ดด", "ปปปป", "يوم"… */
export function datePartToken(text: string): DatePart | undefined {
  // Bilingual forms write "दिन / DD": every piece must name the same part.
  const pieces = readable(text).replace(/[*:：()[\]]/g, '').split(/\s+\/\s+|\s*\|\s*/u).map((piece) => piece.trim()).filter(Boolean);
  const parts = new Set(pieces.map((piece) => HINT_TOKENS.find(([token]) => token === piece)?.[1]));
  return parts.size === 1 ? [...parts][0] : undefined;
}

/** A simple `pattern` attribute read as text (never run): `\d{4}-\d{2}-\d{2}` asks for YYYY-MM-DD. */
export function dateFormatFromPattern(pattern: string | undefined): DateFormat | undefined {
  if (!pattern || pattern.length > 80) return undefined;
  const four = '(?:\\\\d|\\[0-9\\])\\{4\\}';
  const two = '(?:\\\\d|\\[0-9\\])(?:\\{2\\}|\\{1,2\\})';
  const sep = '(\\\\?[-/.])';
  const match = new RegExp(`^\\^?${four}${sep}${two}\\1${two}\\$?$`).exec(pattern);
  if (!match) return undefined;
  return { order: ['year', 'month', 'day'], separator: match[1]!.replace('\\', ''), pad: true, yearDigits: 4, monthAbbreviated: false, buddhist: false };
}

/** One part of a date as a field shows it. */
export function datePartText(date: SimpleDate, part: DatePart, how: { pad: boolean; yearDigits: 2 | 4; buddhist: boolean; monthAbbreviated?: boolean }): string {
  if (part === 'year') {
    const year = date.year + (how.buddhist ? 543 : 0);
    return how.yearDigits === 2 ? String(year % 100).padStart(2, '0') : String(year);
  }
  if (part === 'month' && how.monthAbbreviated) return monthName(date.month, 'short');
  const number = part === 'month' ? date.month : (date.day ?? 1);
  return how.pad ? String(number).padStart(2, '0') : String(number);
}

export function formatDate(date: SimpleDate, format: DateFormat): string {
  return format.order.map((part) => datePartText(date, part, format)).join(format.separator);
}

/** YYYY-MM-DD, or YYYY-MM without a day: what `<input type=date|month>` takes and what min/max are written in. */
export function isoDate(date: SimpleDate): string {
  const month = `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}`;
  return date.day === undefined ? month : `${month}-${String(date.day).padStart(2, '0')}`;
}

/** How the panel shows a date: "3 March 1961", "May 2027". */
export function showDate(date: SimpleDate): string {
  const options: Intl.DateTimeFormatOptions = { month: 'long', year: 'numeric', timeZone: 'UTC', ...(date.day === undefined ? {} : { day: 'numeric' }) };
  return new Intl.DateTimeFormat('en-GB', options).format(Date.UTC(date.year, date.month - 1, date.day ?? 1));
}
