// Telephone numbers as people write them ("+91 98765 43210", "(415) 555-0100", "+1 415 555 0100") and as forms
// split them: a dialling-code box or list and the national number, or area code, prefix and suffix (3/3/4). No
// table of national numbering plans is kept: a dialling code is what the writer set apart ("+44 …"), what the
// field itself shows ("+91"), or what is left over once the boxes' sizes are filled.

import { asciiDigits } from './field-text';

export interface PhoneNumber {
  /** The dialling code's digits when the writer gave one ("91"); undefined for a national number. */
  countryCode: string | undefined;
  /** Digits after the dialling code, or all digits when none was given or it could not be told apart. */
  national: string;
  /** An international number written without a gap after its dialling code ("+919876543210"): where it ends is unknown. */
  joined: boolean;
}

const ALLOWED = /^[+\d\s\-()]+$/u;
export const PHONE_CHARACTERS = 'A phone number is written with digits, spaces, +, - and parentheses only.';

/** Reads a written number; a problem when it has other characters ("ext. 12", letters). */
export function readPhone(value: string): PhoneNumber | { problem: string } {
  const text = asciiDigits(value.normalize('NFKC')).trim();
  if (!text || !ALLOWED.test(text) || !/\d/.test(text)) return { problem: PHONE_CHARACTERS };
  const international = /^(?:\+|00)\s*(.*)$/su.exec(text);
  if (!international) return { countryCode: undefined, national: text.replace(/\D/g, ''), joined: false };
  const body = international[1]!;
  const apart = /^\(?(\d{1,3})\)?[\s\-)]+(.*)$/su.exec(body);
  if (apart) return { countryCode: apart[1]!, national: apart[2]!.replace(/\D/g, ''), joined: false };
  return { countryCode: undefined, national: body.replace(/\D/g, ''), joined: true };
}

/** Dialling codes a field shows as fixed text ("+91" before the box, in its label or placeholder). */
export function callingCodeHints(...texts: string[]): string[] {
  const out = new Set<string>();
  for (const text of texts) for (const match of asciiDigits(text).matchAll(/\+\s?(\d{1,4})(?!\d)/gu)) out.add(match[1]!);
  return [...out];
}

/**
 * The dialling code and the national digits, resolving a joined number by the field's hints or by how many
 * digits its boxes take. `capacity` is the national part's size when the boxes' sizes are all known.
 */
export function splitCountryCode(phone: PhoneNumber, hints: readonly string[], capacity: number | undefined): { countryCode: string | undefined; national: string } | { problem: string } {
  if (!phone.joined) return { countryCode: phone.countryCode, national: phone.national };
  const hinted = hints.find((code) => phone.national.startsWith(code));
  if (hinted) return { countryCode: hinted, national: phone.national.slice(hinted.length) };
  const extra = capacity === undefined ? 0 : phone.national.length - capacity;
  if (extra >= 1 && extra <= 3) return { countryCode: phone.national.slice(0, extra), national: phone.national.slice(extra) };
  return { problem: 'Write the number with a space after the country code (for example +91 98765 43210).' };
}

/** The national digits fitted to a size: a trunk 0 (UK, India) or a leading 1 (North America) dropped if one too many. */
function fitNational(national: string, size: number | undefined, areaSplit: boolean): string {
  if (size === undefined || national.length !== size + 1) return national;
  if (national.startsWith('0') || (areaSplit && national.startsWith('1'))) return national.slice(1);
  return national;
}

export type PhoneRole = 'country-code' | 'national' | 'area-code' | 'local' | 'prefix' | 'suffix';

/**
 * Divides a number among split boxes by their roles and sizes. The dialling code goes only where a part takes
 * it; without one, a code that does not match the field's own ("+44" into a "+91" form) is refused.
 * Each entry is the text for that part, or undefined to leave the part as it is (no code given for a code part).
 */
export function divideNumber(value: string, roles: readonly PhoneRole[], sizes: ReadonlyArray<number | undefined>, hints: readonly string[]): Array<string | undefined> | { problem: string } {
  const phone = readPhone(value);
  if ('problem' in phone) return phone;
  const nationalRoles = roles.map((role, i) => ({ role, size: sizes[i] })).filter((part) => part.role !== 'country-code');
  const capacity = nationalRoles.every((part) => part.size !== undefined) ? nationalRoles.reduce((sum, part) => sum + part.size!, 0) : undefined;
  const split = splitCountryCode(phone, hints, capacity);
  if ('problem' in split) return split;
  const hasCodePart = roles.includes('country-code');
  const shape = nationalRoles.map((part) => part.role).join(',');
  // Area code, prefix and suffix of 3, 3 and 4 digits is North America's plan: its dialling code is +1.
  const codes = hints.length === 0 && !hasCodePart && shape === 'area-code,prefix,suffix' ? ['1'] : hints;
  if (!hasCodePart && split.countryCode && codes.length > 0 && !codes.includes(split.countryCode)) {
    return { problem: `The number is for +${split.countryCode}, but this field takes +${codes[0]} numbers.` };
  }
  const areaSplit = shape !== 'national';
  const national = fitNational(split.national, capacity ?? (shape === 'area-code,prefix,suffix' ? 10 : undefined), areaSplit);
  const pieces = new Map<PhoneRole, string>();
  if (shape === 'national') {
    pieces.set('national', national);
  } else {
    const lengths = nationalRoles.map((part, i) => part.size ?? (shape === 'area-code,prefix,suffix' ? [3, 3, 4][i]! : part.role === 'area-code' ? 3 : undefined));
    const fixed = lengths.slice(0, -1).reduce<number>((sum, length) => sum + (length ?? 0), 0);
    const last = lengths.at(-1) ?? national.length - fixed;
    if (national.length !== fixed + last || lengths.slice(0, -1).some((length) => length === undefined)) {
      return { problem: `The number has ${national.length} digits; the boxes take ${lengths.map((length) => length ?? 'any').join(', ')}.` };
    }
    let at = 0;
    nationalRoles.forEach((part, i) => {
      const length = i === nationalRoles.length - 1 ? last : lengths[i]!;
      pieces.set(part.role, national.slice(at, at + length));
      at += length;
    });
  }
  const out: Array<string | undefined> = [];
  for (const [i, role] of roles.entries()) {
    if (role === 'country-code') {
      out.push(split.countryCode);
      continue;
    }
    const piece = pieces.get(role)!;
    const size = sizes[i];
    if (size !== undefined && piece.length > size) return { problem: `The number has ${piece.length} digits; the box takes ${size}.` };
    out.push(piece);
  }
  return out;
}

/**
 * A number for one phone box: as written if it fits, else without spaces and dashes, else its national digits
 * (when the dialling code is known and is the field's own), with the trunk 0 when the box's example shows one.
 * Never cut.
 */
export function fitPhone(value: string, maxLength: number | undefined, hints: readonly string[], trunkZero = false): string | { problem: string } {
  const written = value.trim();
  const phone = readPhone(written);
  if ('problem' in phone) return phone;
  if (maxLength === undefined || written.length <= maxLength) return written;
  const compact = written.replace(/[\s\-()]/g, '');
  if (compact.length <= maxLength) return compact;
  const split = splitCountryCode(phone, hints, maxLength);
  if (!('problem' in split) && split.countryCode && (hints.length === 0 || hints.includes(split.countryCode))) {
    let national = fitNational(split.national, maxLength, false);
    // The box shows a national example starting with 0 ("08xxxxxxxx"): numbers there are dialled with that 0.
    if (trunkZero && !national.startsWith('0') && national.length < maxLength) national = `0${national}`;
    if (national.length <= maxLength) return national;
  }
  return { problem: `The field takes at most ${maxLength} characters.` };
}
