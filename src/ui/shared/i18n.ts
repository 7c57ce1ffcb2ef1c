/**
 * UI strings come from `_locales/` only. Elements name their message in `data-i18n` (text) or
 * `data-i18n-title` / `data-i18n-aria-label` (attributes); text is set with textContent, never as HTML.
 */
export function t(key: string, substitutions?: string | string[]): string {
  return chrome.i18n.getMessage(key, substitutions) || key;
}

/** Locales written right to left, among those Pagewise ships. */
const RIGHT_TO_LEFT = new Set(['ar']);

/**
 * The locale of the messages Chrome actually uses: the browser's language when Pagewise ships it, else English.
 * Pages take their `lang`, direction and number formats from it, so that a browser in a language Pagewise lacks
 * gets English text laid out and numbered as English, and screen readers are told the truth.
 */
export function messageLocale(): string {
  return chrome.i18n.getMessage('localeCode') || 'en';
}

export function localizeDocument(root: ParentNode = document): void {
  const locale = messageLocale();
  document.documentElement.lang = locale;
  document.documentElement.dir = RIGHT_TO_LEFT.has(locale) ? 'rtl' : 'ltr';
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    element.textContent = t(element.dataset['i18n']!);
  }
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n-title]')) {
    element.title = t(element.dataset['i18nTitle']!);
  }
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n-aria-label]')) {
    element.setAttribute('aria-label', t(element.dataset['i18nAriaLabel']!));
  }
}
