import { PagewiseError, TRANSLATE_LANGUAGES, type CommandResult, type PortClient, type TranslateMode } from '../../protocol';
import { messageLocale, t } from '../shared/i18n';

type TabStatus = CommandResult<'translate.describe'>;

/**
 * The popup's translation controls: the page's language, the target (the browser's language by default), the
 * display, "the whole page now", and "show original". The status line follows the tab's translation while the
 * popup is open.
 */
export function mountTranslateControls(root: HTMLElement, engine: () => PortClient): void {
  const to = root.querySelector<HTMLSelectElement>('#translate-to')!;
  const mode = root.querySelector<HTMLSelectElement>('#translate-mode')!;
  const whole = root.querySelector<HTMLInputElement>('#translate-whole')!;
  const start = root.querySelector<HTMLButtonElement>('#translate-start')!;
  const restore = root.querySelector<HTMLButtonElement>('#translate-restore')!;
  const pageLanguage = root.querySelector<HTMLElement>('#translate-page-language')!;
  const statusLine = root.querySelector<HTMLElement>('#translate-status')!;
  const names = new Intl.DisplayNames([messageLocale()], { type: 'language' });
  const nameOf = (tag: string): string => {
    try {
      return names.of(tag) ?? tag;
    } catch {
      return tag;
    }
  };
  for (const code of TRANSLATE_LANGUAGES) to.append(new Option(nameOf(code), code));
  const browserLanguage = chrome.i18n.getUILanguage().split(/[-_]/)[0]!.toLowerCase();
  to.value = (TRANSLATE_LANGUAGES as readonly string[]).includes(browserLanguage) ? browserLanguage : 'en';

  const show = (tab: TabStatus): void => {
    pageLanguage.textContent = tab.pageLanguage ? t('translatePageLanguage', nameOf(tab.pageLanguage)) : t('translatePageLanguageUnknown');
    const status = tab.status;
    restore.hidden = !status?.active;
    if (!status) return;
    if (status.active) {
      mode.value = status.mode;
      const lines = [t('translateProgress', [String(status.done), String(status.found)])];
      if (status.failed > 0 || status.lastError) lines.push(t('translateFailed', [String(status.failed), status.lastError ?? '']));
      statusLine.textContent = lines.join(' ');
    } else {
      statusLine.textContent = t('translateRestored');
    }
  };
  const failed = (error: unknown): void => {
    statusLine.textContent = error instanceof PagewiseError || error instanceof Error ? error.message : String(error);
  };
  const refresh = (): Promise<void> => engine().call('translate.describe', {}).then(show, failed);

  start.addEventListener('click', () => {
    void engine()
      .call('translate.start', { to: to.value, mode: mode.value as TranslateMode, wholePage: whole.checked })
      .then(show, failed);
  });
  mode.addEventListener('change', () => {
    if (restore.hidden) return;
    void engine().call('translate.set-mode', { mode: mode.value as TranslateMode }).then(show, failed);
  });
  restore.addEventListener('click', () => void engine().call('translate.restore', {}).then(show, failed));
  void refresh();
  setInterval(() => void refresh(), 1000);
}
