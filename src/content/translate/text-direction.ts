// Direction and type settings by language, for translated text that lands in a page written another way.

const RTL = new Set(['ar', 'fa', 'ur', 'he', 'iw', 'yi', 'ps', 'sd', 'ug', 'dv', 'ckb', 'syr']);

export function directionOf(language: string): 'rtl' | 'ltr' {
  return RTL.has(baseLanguage(language)) ? 'rtl' : 'ltr';
}

export function baseLanguage(language: string): string {
  return language.split('-')[0]!.toLowerCase();
}

/** Scripts whose sentences run without spaces between them: sentence parts join with nothing. */
export function joinsWithoutSpaces(language: string): boolean {
  return ['th', 'lo', 'km', 'my', 'zh', 'ja'].includes(baseLanguage(language));
}

/**
 * Font stack and line height for a bilingual copy: scripts with tall stacked marks (Devanagari, Thai, Arabic)
 * need more room between lines than Latin text, or their marks collide; the stack names the Noto faces most
 * systems have before falling back to the page's own font.
 */
export function typeFor(language: string, pageFonts: string): { fontFamily: string; lineHeight: string } {
  const base = baseLanguage(language);
  const stacks: Record<string, string> = {
    hi: '"Noto Sans Devanagari", "Nirmala UI", "Mangal"', mr: '"Noto Sans Devanagari", "Nirmala UI"', ne: '"Noto Sans Devanagari", "Nirmala UI"',
    th: '"Noto Sans Thai", "Leelawadee UI", "Tahoma"', ar: '"Noto Naskh Arabic", "Noto Sans Arabic", "Segoe UI"', fa: '"Noto Naskh Arabic", "Segoe UI"', ur: '"Noto Nastaliq Urdu", "Noto Naskh Arabic"',
    he: '"Noto Sans Hebrew", "Segoe UI"', zh: '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC"', ja: '"Noto Sans CJK JP", "Yu Gothic", "Hiragino Sans"', ko: '"Noto Sans CJK KR", "Malgun Gothic"',
  };
  const tall = ['hi', 'mr', 'ne', 'th', 'ar', 'fa', 'ur', 'bn', 'ta', 'my', 'km', 'lo'].includes(base);
  return { fontFamily: stacks[base] ? `${stacks[base]}, ${pageFonts || 'sans-serif'}` : pageFonts, lineHeight: tall ? '1.7' : 'inherit' };
}
