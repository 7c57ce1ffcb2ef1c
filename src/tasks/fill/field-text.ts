// The few ways field texts are normalised before anything is matched against them: what a person reads, what a
// developer wrote in a name or id, and the folded form used to compare option texts and values.

/** NFKC (full-width letters and digits, ligatures, presentation forms), lower case, one space between words. */
export function readable(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** A name or id as words: `billingAddress[line1]` → `billing address line 1`, `dob_dd` → `dob dd`. */
export function attributeWords(text: string): string {
  return readable(
    text
      .normalize('NFKC')
      .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
      .replace(/(\p{L})(\p{N})/gu, '$1 $2')
      .replace(/(\p{N})(\p{L})/gu, '$1 $2')
      .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' '),
  );
}

// Only combining marks of Latin, Greek and Cyrillic are folded: in Devanagari, Thai and Arabic the marks are vowels
// and removing them would make different words equal.
const LATIN_MARKS = /[\u0300-\u036f]/g;

/** For comparing texts a person reads: `readable`, accents folded, punctuation and symbols as spaces. */
export function folded(text: string): string {
  return readable(text)
    .normalize('NFD')
    .replace(LATIN_MARKS, '')
    .normalize('NFC')
    .replace(/&/g, ' and ')
    .replace(/['’.]/g, '')
    .replace(/[^\p{L}\p{M}\p{N}+]+/gu, ' ')
    .trim();
}

const DIGIT_ZEROS = [0x660, 0x6f0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xe50, 0xed0, 0xff10];

/** Digits of any of the scripts people fill forms in (Arabic-Indic, Devanagari, Thai…) as ASCII digits. */
export function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (digit) => {
    const code = digit.codePointAt(0)!;
    const zero = DIGIT_ZEROS.find((z) => code >= z && code <= z + 9);
    return zero === undefined ? digit : String(code - zero);
  });
}

const BEFORE = '(?<![\\p{L}\\p{M}\\p{N}])';
const AFTER = '(?![\\p{L}\\p{M}\\p{N}])';

/**
 * A pattern of alternatives: `whole` must stand as words of their own (Unicode-aware, unlike `\b`), `inside` may
 * sit within a longer word (Thai writes no spaces between words; Arabic attaches the article and conjunctions).
 */
export function wordPattern(whole: readonly string[], inside: readonly string[] = []): RegExp {
  const parts: string[] = [];
  if (whole.length > 0) parts.push(`${BEFORE}(?:${whole.join('|')})${AFTER}`);
  if (inside.length > 0) parts.push(`(?:${inside.join('|')})`);
  return new RegExp(parts.join('|') || '(?!)', 'iu');
}
