// The choices of a select or radio group: which are only prompts ("Select…", "-- चुनें --"), what kind of list
// they make (days, months, years, countries, dialling codes), and which choice a value means.

import { countryCode } from './country-codes';
import { monthNumber } from './date-values';
import { asciiDigits, folded, wordPattern } from './field-text';

export interface Choice {
  value: string;
  text: string;
}

// A prompt starts with "Select", "Choose", "Seleccione", "اختر", "เลือก"… or, in Hindi and German, ends with
// the verb ("राज्य चुनें", "Land wählen"). "Other (please specify)" is a real choice.
const PROMPT_START = /^(?:select|choose|pick|please|seleccion|elij|escoj|choisi|s[ée]lectionn|bitte|w[äa]hlen sie|kies|selecione|escolha|कृपया|اختر|اختيار|يرجى|الرجاء|من فضلك|เลือก|กรุณา)/iu;
const PROMPT_END = /(?:चुनें|चुनिए|चुने|चयन करें|w[äa]hlen|ausw[äa]hlen|choisir)\s*[.…:]*$/iu;

/** An option that only prompts for a choice: no value, only dashes, or "Select…" in some language. Never chosen. */
export function isPrompt(choice: Choice): boolean {
  if (choice.value.trim() === '') return true;
  const text = choice.text.trim();
  if (/^[\s\-–—_.*=·…]*$/u.test(text) || /^-{2,}.*-{2,}$/u.test(text)) return true;
  // Bilingual forms write "चुनें / Select": any language's piece may be the prompt.
  return text.split(/\s+\/\s+/u).some((piece) => {
    const words = piece.replace(/^[\s\-–—_.*=·…[(<]+/u, '');
    return PROMPT_START.test(words) || PROMPT_END.test(words);
  });
}

export function realChoices(choices: readonly Choice[]): Choice[] {
  return choices.filter((choice) => !isPrompt(choice));
}

export type ChoiceKind = 'day' | 'month' | 'year' | 'country' | 'calling-code' | 'honorific' | 'sex';

const HONORIFICS = wordPattern(
  ['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sr', 'sra', 'srta', 'mme', 'mlle', 'herr', 'frau', 'श्री', 'श्रीमती', 'सुश्री', 'कुमारी', 'डॉ',
    'السيد', 'السيدة', 'الآنسة', 'د'],
  ['^นาย', '^นาง', '^นางสาว', '^ด\\.?ช', '^ด\\.?ญ'],
);
const SEXES = wordPattern(
  ['male', 'female', 'man', 'woman', 'm', 'f', 'other', 'non ?binary', 'पुरुष', 'महिला', 'स्त्री', 'अन्य', 'ذكر', 'أنثى', 'انثى', 'hombre', 'mujer',
    'homme', 'femme', 'm[äa]nnlich', 'weiblich', 'masculino', 'femenino', 'feminino', 'divers'],
  ['ชาย', 'หญิง'],
);

const MALE = wordPattern(['male', 'man', 'm', 'पुरुष', 'ذكر', 'hombre', 'homme', 'm[äa]nnlich', 'masculino'], ['^ชาย']);
const FEMALE = wordPattern(['female', 'woman', 'f', 'w', 'महिला', 'स्त्री', 'أنثى', 'انثى', 'mujer', 'femme', 'weiblich', 'femenino', 'feminino'], ['^หญิง']);

function sexOf(text: string): 'f' | 'm' | undefined {
  const female = FEMALE.test(text);
  const male = MALE.test(text);
  return female === male ? undefined : female ? 'f' : 'm';
}

function integer(text: string): number | undefined {
  const digits = asciiDigits(text.trim());
  return /^\d{1,4}$/.test(digits) ? Number(digits) : undefined;
}

/** A choice's number, from its text or else its value ("03", "३", "3"). */
function choiceNumber(choice: Choice): number | undefined {
  return integer(choice.text) ?? integer(choice.value);
}

function choiceMonth(choice: Choice): number | undefined {
  const number = choiceNumber(choice);
  if (number !== undefined) return number >= 1 && number <= 12 ? number : undefined;
  return monthNumber(choice.text) ?? monthNumber(choice.value);
}

const CALLING_CODE = /\+\s?(\d{1,4})(?!\d)/u;

function callingCode(choice: Choice): string | undefined {
  const found = CALLING_CODE.exec(asciiDigits(choice.text)) ?? CALLING_CODE.exec(asciiDigits(choice.value));
  if (found) return found[1];
  const bare = asciiDigits(choice.value.trim());
  return /^\d{1,4}$/.test(bare) && CALLING_CODE.test(choice.text) ? bare : undefined;
}

function choiceCountry(choice: Choice): string | undefined {
  return countryCode(choice.value) ?? countryCode(choice.text);
}

const share = (choices: Choice[], test: (choice: Choice) => boolean): number => choices.filter(test).length / Math.max(1, choices.length);

/** What the choices are, read from the choices alone; undefined for anything else. */
export function choiceKind(choices: readonly Choice[]): ChoiceKind | undefined {
  const real = realChoices(choices);
  if (real.length < 2) return undefined;
  const numbers = real.map(choiceNumber);
  if (real.length >= 28 && real.length <= 32 && numbers.every((n) => n !== undefined && n >= 1 && n <= 31)) return 'day';
  if (real.length === 12 && new Set(real.map(choiceMonth)).size === 12 && real.every((choice) => choiceMonth(choice) !== undefined)) return 'month';
  if (real.length >= 5 && numbers.every((n) => n !== undefined && ((n >= 1900 && n <= 2100) || (n >= 2440 && n <= 2650)))) return 'year';
  if (real.length >= 10 && share(real, (choice) => callingCode(choice) !== undefined) >= 0.7) return 'calling-code';
  if (real.length >= 20 && share(real, (choice) => choiceCountry(choice) !== undefined) >= 0.7) return 'country';
  if (share(real, (choice) => HONORIFICS.test(choice.text)) >= 0.6 && real.length <= 12) return 'honorific';
  if (share(real, (choice) => SEXES.test(choice.text) || SEXES.test(choice.value)) >= 0.6 && real.length <= 6) return 'sex';
  return undefined;
}

/** How a value is compared with the choices beyond their exact values and visible texts. */
export type ChoiceMatch = 'text' | ChoiceKind;

/**
 * The choice a value means, never a prompt: its exact value, then its visible text (case, accents, spacing and
 * punctuation folded), then by meaning: the same country by code or name, the same dialling code, the same day,
 * month or year number. A value matching several choices by text only picks one when they are the same choice.
 */
export function findChoice(choices: readonly Choice[], value: string, how: ChoiceMatch = 'text'): Choice | undefined {
  const real = realChoices(choices);
  const wanted = value.trim();
  if (!wanted) return undefined;
  const byValue = real.find((choice) => choice.value === wanted) ?? real.find((choice) => choice.value.trim().toLowerCase() === wanted.toLowerCase());
  if (byValue) return byValue;
  const key = folded(wanted);
  const byText = real.find((choice) => folded(choice.text) === key);
  if (byText) return byText;
  switch (how) {
    case 'country': {
      const code = countryCode(wanted);
      return code ? real.find((choice) => choiceCountry(choice) === code) : undefined;
    }
    case 'calling-code': {
      const digits = CALLING_CODE.exec(asciiDigits(wanted))?.[1] ?? (/^\d{1,4}$/.test(asciiDigits(wanted)) ? asciiDigits(wanted) : undefined);
      return digits ? real.find((choice) => callingCode(choice) === digits) : undefined;
    }
    case 'day': {
      const day = integer(wanted);
      return day === undefined ? undefined : real.find((choice) => choiceNumber(choice) === day);
    }
    case 'month': {
      const month = integer(wanted) ?? monthNumber(wanted);
      return month === undefined ? undefined : real.find((choice) => choiceMonth(choice) === month);
    }
    case 'year': {
      const year = integer(wanted);
      if (year === undefined) return undefined;
      // Thai lists may count in the Buddhist era (2504 for 1961); card expiry lists often show two digits (27).
      return (
        real.find((choice) => choiceNumber(choice) === year) ??
        real.find((choice) => choiceNumber(choice) === year + 543) ??
        (year >= 1000 ? real.find((choice) => /^\d{2}$/.test(asciiDigits(choice.text.trim())) && choiceNumber(choice) === year % 100) : undefined)
      );
    }
    case 'sex': {
      const sex = sexOf(wanted);
      return sex ? real.find((choice) => sexOf(choice.value) === sex || sexOf(choice.text) === sex) : undefined;
    }
    default: {
      // "Karnataka" for "Karnataka (KA)": a unique choice that starts with the whole value.
      if (key.length < 3) return undefined;
      const starts = real.filter((choice) => folded(choice.text).startsWith(`${key} `));
      return starts.length === 1 ? starts[0] : undefined;
    }
  }
}
