/**
 * UI strings come from `_locales/` only. Elements name their message in `data-i18n` (text) or
 * `data-i18n-title` / `data-i18n-aria-label` (attributes); text is set with textContent, never as HTML.
 */
export function t(key: string, substitutions?: string | string[]): string {
  return chrome.i18n.getMessage(key, substitutions) || key;
}

export function localizeDocument(root: ParentNode = document): void {
  document.documentElement.lang = chrome.i18n.getUILanguage();
  document.documentElement.dir = t('@@bidi_dir') === 'rtl' ? 'rtl' : 'ltr';
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
